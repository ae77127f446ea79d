import { describe, expect, it } from 'vitest';
import { parseList } from '../../../src/health/only.js';
import { renderHealthReport, renderProbes } from '../../../src/health/render.js';
import type { HealthReport, ProbeResult } from '../../../src/health/types.js';
import { createStyle } from '../../../src/output/style.js';

const probe = (over: Partial<ProbeResult>): ProbeResult => ({ name: 'api', kind: 'http', target: 'http://127.0.0.1:1/', state: 'healthy', reason: 'HTTP 200', attempts: 1, durationMs: 4, ...over });

describe('health rendering, shared by health-check and monitor', () => {
  const style = createStyle(false);
  const probes = [probe({ value: 12, unit: 'ms' }), probe({ name: 'disk', kind: 'disk', state: 'degraded', value: 80.5, unit: '%', reason: '80.5% used' }), probe({ name: 'main', kind: 'postgres', state: 'unknown', reason: 'psql is missing' })];

  it('a row a probe with its value in its unit, "-" without one', () => {
    const lines = renderProbes(probes, style).split('\n');
    expect(lines.find((l) => l.includes('api'))).toMatch(/api\s.*http\s.*healthy\s.*12 ms\s.*HTTP 200/);
    expect(lines.find((l) => l.includes('disk'))).toMatch(/degraded\s.*80\.5%\s/);
    expect(lines.find((l) => l.includes('main'))).toMatch(/unknown\s.*-\s.*psql is missing/);
  });

  it('health-check\'s output ends with the environment, its state and the count of each state', () => {
    const report: HealthReport = { environment: 'production', state: 'degraded', durationMs: 31, probes } as HealthReport;
    expect(renderHealthReport(report, style).split('\n').at(-1)).toBe('production: degraded (1 healthy, 1 degraded, 1 unknown; 31 ms)');
  });

  it('--only: comma-separated words, spaces and empty items dropped', () => {
    expect(parseList(' api, main ,,host')).toEqual(['api', 'main', 'host']);
    expect(parseList(undefined)).toBeUndefined();
  });
});

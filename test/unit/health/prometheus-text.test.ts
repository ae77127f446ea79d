import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { judgeSeries } from '../../../src/health/metrics.js';
import { parsePrometheusText, parseSelector, selectSamples } from '../../../src/health/prometheus-text.js';

/** What the real prom-client writes for a gauge, a labelled counter and a histogram. */
async function promClientText(): Promise<string> {
  const registry = new Registry();
  new Gauge({ name: 'cache_hit_rate', help: 'Share of cache hits', registers: [registry] }).set(0.87);
  const requests = new Counter({ name: 'http_requests_total', help: 'Requests', labelNames: ['code', 'path'], registers: [registry] });
  requests.inc({ code: '200', path: '/a "quoted"\\path' }, 41);
  requests.inc({ code: '500', path: '/a' }, 3);
  const duration = new Histogram({ name: 'http_request_duration_seconds', help: 'Latency', buckets: [0.1, 0.5], registers: [registry] });
  duration.observe(0.2);
  return registry.metrics();
}

describe('parsePrometheusText on prom-client output', () => {
  it('reads every sample with its labels, escapes undone, +Inf buckets included', async () => {
    const { samples, skipped } = parsePrometheusText(await promClientText());
    expect(skipped).toBe(0);
    expect(samples).toContainEqual({ name: 'cache_hit_rate', labels: {}, value: 0.87 });
    expect(samples).toContainEqual({ name: 'http_requests_total', labels: { code: '200', path: '/a "quoted"\\path' }, value: 41 });
    expect(samples).toContainEqual({ name: 'http_request_duration_seconds_bucket', labels: { le: '+Inf' }, value: 1 });
    expect(samples).toContainEqual({ name: 'http_request_duration_seconds_count', labels: {}, value: 1 });
  });

  it('selects by name and labels, and judges thresholds above or below', async () => {
    const { samples } = parsePrometheusText(await promClientText());
    const errors = parseSelector('http_requests_total{code="500"}')!;
    expect(selectSamples(samples, errors).map((s) => s.value)).toEqual([3]);
    const rule = (key: string, threshold: { warn?: number; crit?: number; below: boolean }) => ({ key, selector: parseSelector(key)!, threshold });
    expect(judgeSeries(rule('cache_hit_rate', { warn: 0.9, crit: 0.8, below: true }), selectSamples(samples, parseSelector('cache_hit_rate')!))).toEqual({ state: 'degraded', reason: 'cache_hit_rate 0.87 (warning below 0.9)' });
    expect(judgeSeries(rule('http_requests_total{code="500"}', { crit: 2, below: false }), selectSamples(samples, errors)).state).toBe('unhealthy');
    expect(judgeSeries(rule('nope', { crit: 1, below: false }), [])).toEqual({ state: 'unhealthy', reason: 'nope: no such series' });
  });

  it('skips lines that are not samples and refuses selectors that are not series', () => {
    expect(parsePrometheusText('# HELP x y\nx 1 1700000000000\nbad line here\ny{a="1"} NaN\n').samples.map((s) => s.name)).toEqual(['x', 'y']);
    expect(parseSelector('cpu usage')).toBeUndefined();
    expect(parseSelector('up{job="api",instance="a:1"}')).toEqual({ name: 'up', labels: { job: 'api', instance: 'a:1' } });
  });
});

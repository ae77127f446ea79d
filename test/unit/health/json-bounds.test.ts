import { describe, expect, it } from 'vitest';
import { checkJsonExpectations, readHealthJson } from '../../../src/health/expect.js';
import { isBounds } from '../../../src/health/json-bounds.js';

describe('numeric bounds in expect.json', () => {
  const rule = { hit_rate: { min: 0.9, degradedBelow: 0.95 } };

  it('judges a figure against min and degradedBelow, as the manuals do with jq .hit_rate', () => {
    expect(checkJsonExpectations({ hit_rate: 0.97 }, rule)).toEqual({ state: 'healthy' });
    expect(checkJsonExpectations({ hit_rate: 0.93 }, rule)).toEqual({ state: 'degraded', reason: 'hit_rate is 0.93, below 0.95' });
    expect(checkJsonExpectations({ hit_rate: 0.5 }, rule)).toEqual({ state: 'unhealthy', reason: 'hit_rate is 0.5, below the minimum 0.9' });
  });

  it('reads a number sent as text, refuses anything else, and names a missing path', () => {
    expect(checkJsonExpectations({ cache: { hit_rate: '0.99' } }, { 'cache.hit_rate': { min: 0.9 } })).toEqual({ state: 'healthy' });
    expect(checkJsonExpectations({ hit_rate: 'n/a' }, rule).state).toBe('unhealthy');
    expect(checkJsonExpectations({}, { queue: { max: 100 } })).toEqual({ state: 'unhealthy', reason: 'queue is missing, expected <= 100' });
    expect(checkJsonExpectations({ queue: 150 }, { queue: { max: 100, degradedAbove: 50 } })).toEqual({ state: 'unhealthy', reason: 'queue is 150, above the maximum 100' });
    expect(checkJsonExpectations({ queue: 70 }, { queue: { max: 100, degradedAbove: 50 } }).state).toBe('degraded');
  });

  it('an object with other keys is still a nested path; a field named min is reached by its dotted path', () => {
    expect(isBounds({ min: 1, status: 'x' })).toBe(false);
    expect(isBounds({ min: '1' })).toBe(false);
    expect(checkJsonExpectations({ limits: { min: 1 } }, { 'limits.min': 1 })).toEqual({ state: 'healthy' });
  });
});

describe('health+json of the older draft (details, metricValue), as maikai serves it', () => {
  it('names the failing check with its metric instead of only "status warn"', () => {
    const body = {
      status: 'warn',
      details: {
        'cassandra:connections': { status: 'pass', metricValue: 12, metricUnit: 'connections' },
        'disk:utilization': { status: 'warn', metricValue: 91, metricUnit: 'percent', output: 'disk nearly full' },
      },
    };
    const read = readHealthJson(body);
    expect(read.state).toBe('degraded');
    expect(read.reason).toBe('status warn (disk:utilization warn 91 percent: disk nearly full)');
    expect(read.checks[0]).toEqual({ name: 'cassandra:connections', status: 'pass', observedValue: 12, observedUnit: 'connections' });
  });
});

import { describe, expect, it } from 'vitest';
import { checkJsonExpectations, isHealthJson, readHealthJson, valueAt } from '../../../src/health/expect.js';

const body = {
  status: 'ok',
  uptime: 12,
  ready: true,
  region: null,
  tags: ['a', 'b'],
  checks: { database: { status: 'up', latencyMs: 3 }, cache: { status: 'down' } },
  items: [{ status: 'up' }, { status: 'down' }],
};

describe('checkJsonExpectations', () => {
  it('passes when every dot path holds the expected value, of any JSON type', () => {
    expect(checkJsonExpectations(body, { status: 'ok', 'checks.database.status': 'up', 'checks.database.latencyMs': 3, ready: true, region: null })).toEqual({ state: 'healthy' });
  });

  it('reads nested objects as dot paths, mixed with dotted keys', () => {
    expect(checkJsonExpectations(body, { checks: { database: { status: 'up' } }, 'checks.cache': { status: 'down' } })).toEqual({ state: 'healthy' });
    expect(checkJsonExpectations(body, { checks: { cache: { status: 'up' } } })).toEqual({ state: 'unhealthy', reason: 'checks.cache.status is "down", expected "up"' });
  });

  it('an empty map asks only that an object is there', () => {
    expect(checkJsonExpectations(body, { checks: {} })).toEqual({ state: 'healthy' });
    expect(checkJsonExpectations(body, { metrics: {} })).toEqual({ state: 'unhealthy', reason: 'metrics is missing, expected {}' });
    expect(checkJsonExpectations(body, { status: {} })).toEqual({ state: 'unhealthy', reason: 'status is "ok", expected {}' });
  });

  it('addresses array items by index and compares whole arrays', () => {
    expect(checkJsonExpectations(body, { 'items.0.status': 'up', 'items.1.status': 'down', tags: ['a', 'b'] })).toEqual({ state: 'healthy' });
    expect(checkJsonExpectations(body, { 'items.1.status': 'up' }).reason).toBe('items.1.status is "down", expected "up"');
    expect(checkJsonExpectations(body, { tags: ['b', 'a'] }).reason).toBe('tags is ["a","b"], expected ["b","a"]');
    expect(checkJsonExpectations(body, { 'items.5.status': 'up' }).reason).toBe('items.5.status is missing, expected "up"');
  });

  it('names a missing path, including one that runs through a scalar', () => {
    expect(checkJsonExpectations(body, { 'checks.queue.status': 'up' })).toEqual({ state: 'unhealthy', reason: 'checks.queue.status is missing, expected "up"' });
    expect(checkJsonExpectations(body, { 'status.code': 200 }).reason).toBe('status.code is missing, expected 200');
    expect(checkJsonExpectations('plain text', { status: 'ok' }).reason).toBe('status is missing, expected "ok"');
    expect(checkJsonExpectations(null, { status: 'ok' }).state).toBe('unhealthy');
  });

  it('does not coerce types: "3" is not 3, false is not missing', () => {
    expect(checkJsonExpectations(body, { 'checks.database.latencyMs': '3' }).reason).toBe('checks.database.latencyMs is 3, expected "3"');
    expect(checkJsonExpectations({ ready: false }, { ready: true }).reason).toBe('ready is false, expected true');
  });

  it('reports the first failing expectation and shortens long values', () => {
    const long = { message: 'x'.repeat(200) };
    const reason = checkJsonExpectations(long, { message: 'short' }).reason!;
    expect(reason.length).toBeLessThan(120);
    expect(reason).toMatch(/^message is "x+\.\.\., expected "short"$/);
  });
});

describe('valueAt', () => {
  it('walks objects and arrays and stops at scalars', () => {
    expect(valueAt(body, 'checks.database')).toEqual({ status: 'up', latencyMs: 3 });
    expect(valueAt(body, 'items.0')).toEqual({ status: 'up' });
    expect(valueAt(body, 'uptime.value')).toBeUndefined();
  });
});

describe('isHealthJson', () => {
  it('recognises application/health+json with parameters, in any case, and nothing else', () => {
    expect(isHealthJson('application/health+json')).toBe(true);
    expect(isHealthJson('Application/Health+JSON; charset=utf-8')).toBe(true);
    expect(isHealthJson('application/json')).toBe(false);
    expect(isHealthJson(undefined)).toBe(false);
  });
});

describe('readHealthJson', () => {
  it('maps pass/ok/up to healthy, warn to degraded, fail/error/down to unhealthy, in any case', () => {
    for (const status of ['pass', 'ok', 'up', 'PASS', 'Up']) expect(readHealthJson({ status }).state, status).toBe('healthy');
    expect(readHealthJson({ status: 'warn' }).state).toBe('degraded');
    for (const status of ['fail', 'error', 'down', 'FAIL']) expect(readHealthJson({ status }).state, status).toBe('unhealthy');
  });

  it('an unknown status or none at all is unhealthy and says so', () => {
    expect(readHealthJson({ status: 'maybe' })).toMatchObject({ state: 'unhealthy', reason: 'unknown status "maybe"' });
    expect(readHealthJson({ checks: {} })).toMatchObject({ state: 'unhealthy', reason: 'health+json body has no "status"' });
    expect(readHealthJson([{ status: 'pass' }]).state).toBe('unhealthy');
  });

  it('names the failing checks with componentId, observedValue/unit and output; passing ones are left out', () => {
    const read = readHealthJson({
      status: 'fail',
      checks: {
        'db:responseTime': [
          { componentId: 'main', status: 'pass', observedValue: 3, observedUnit: 'ms' },
          { componentId: 'replica', status: 'fail', observedValue: 5000, observedUnit: 'ms', output: 'too slow' },
        ],
        'disk:utilization': { status: 'warn', observedValue: 81, observedUnit: 'percent' },
        'cache:ping': [{ status: 'up' }],
      },
    });
    expect(read.state).toBe('unhealthy');
    expect(read.reason).toBe('status fail (db:responseTime replica fail 5000 ms: too slow, disk:utilization warn 81 percent)');
    expect(read.checks.map((c) => c.name)).toEqual(['db:responseTime main', 'db:responseTime replica', 'disk:utilization', 'cache:ping']);
  });

  it('does not repeat a componentId the check name already holds', () => {
    const read = readHealthJson({ status: 'warn', checks: { 'main:connections': [{ componentId: 'main', status: 'warn', observedValue: 95 }] } });
    expect(read.reason).toBe('status warn (main:connections warn 95)');
  });

  it('a failing check makes a passing body as bad as the check', () => {
    expect(readHealthJson({ status: 'pass', checks: { queue: [{ status: 'warn' }] } })).toMatchObject({ state: 'degraded', reason: 'status pass (queue warn)' });
    expect(readHealthJson({ status: 'pass', checks: { queue: [{ status: 'down' }] } }).state).toBe('unhealthy');
  });

  it('uses the body output when no check is named', () => {
    expect(readHealthJson({ status: 'fail', output: 'database unreachable' })).toMatchObject({ state: 'unhealthy', reason: 'status fail: database unreachable' });
    expect(readHealthJson({ status: 'pass', output: 'all good' })).toEqual({ state: 'healthy', checks: [] });
  });
});

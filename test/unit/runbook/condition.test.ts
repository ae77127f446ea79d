import { beforeAll, describe, expect, it } from 'vitest';
import { describeCondition, evaluate, lookup } from '../../../src/runbook/condition.js';
import { loadLinearRegex } from '../../../src/process/linear-regex.js';
import type { Condition } from '../../../src/runbook/schema.js';

// The commands that compile user regexes load the engine first (commands/logs.ts, runbook.ts, monitor, health).
beforeAll(loadLinearRegex);

const status = { backup: { ageMs: 3 * 3_600_000, id: '20261123T020000Z' }, probes: [{ state: 'healthy' }, { state: 'degraded' }], count: 0, state: 'healthy' };
const check = (c: Omit<Condition, 'message'> & { message?: string }) => evaluate(c as Condition, status);

describe('runbook checks', () => {
  it('below / above / atMost / atLeast take a number or a duration in ms', () => {
    expect(check({ path: 'backup.ageMs', below: '26h' })).toMatchObject({ ok: true, actual: 10_800_000, detail: 'backup.ageMs = 3h, expected below 26h' });
    expect(check({ path: 'backup.ageMs', below: '2h' }).ok).toBe(false);
    expect(check({ path: 'backup.ageMs', above: 1000 }).ok).toBe(true);
    expect(check({ path: 'count', atMost: 0 }).ok).toBe(true);
    expect(check({ path: 'count', atLeast: 1 }).ok).toBe(false);
  });

  it('equals, notEquals, oneOf and matches compare values as they are', () => {
    expect(check({ path: 'state', equals: 'healthy' }).ok).toBe(true);
    expect(check({ path: 'count', equals: '0' }).ok).toBe(false);
    expect(check({ path: 'state', notEquals: 'unhealthy' }).ok).toBe(true);
    expect(check({ path: 'probes.1.state', oneOf: ['healthy', 'degraded'] }).ok).toBe(true);
    expect(check({ path: 'backup.id', matches: '^2026' }).ok).toBe(true);
  });

  it('a missing or null value fails an ordering check and says so, with the message first', () => {
    expect(check({ path: 'backup.createdAt', below: '26h', message: 'the nightly backup is late' })).toMatchObject({
      ok: false,
      actual: null,
      detail: 'the nightly backup is late (backup.createdAt = missing, expected below 26h)',
    });
    expect(evaluate({ path: 'backup.ageMs', below: '26h' }, { backup: { ageMs: null } }).ok).toBe(false);
    expect(check({ path: 'backup.size', exists: false }).ok).toBe(true);
    expect(check({ path: 'backup.id', exists: true }).ok).toBe(true);
  });

  it('paths index arrays (a.0.b or a[0].b) and count them (a.length)', () => {
    expect(lookup(status, 'probes[1].state')).toEqual({ found: true, value: 'degraded' });
    expect(lookup(status, 'probes.length')).toEqual({ found: true, value: 2 });
    expect(lookup(status, 'probes.5.state').found).toBe(false);
    expect(lookup([{ count: 2 }], '0.count').value).toBe(2);
    // Inherited properties are not data.
    expect(lookup({}, 'constructor').found).toBe(false);
  });

  it('describes a condition for runbook show', () => {
    expect(describeCondition({ path: 'count', equals: 0 } as Condition)).toBe('count is 0');
    expect(describeCondition({ path: 'backup.ageMs', below: '26h' } as Condition)).toBe('backup.ageMs below 26h');
  });
});

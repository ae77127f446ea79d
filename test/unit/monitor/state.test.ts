import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HealthReport, HealthState, ProbeResult } from '../../../src/health/types.js';
import { evaluate, loadState, saveState, statePath, type MonitorState } from '../../../src/monitor/state.js';
import { createEffects } from '../../../src/process/effects.js';
import { tempDir } from '../helpers.js';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const MINUTE = 60_000;

function probe(name: string, state: HealthState, reason = state === 'healthy' ? 'HTTP 200 in 5 ms' : `${name} is ${state}`): ProbeResult {
  return { name, kind: 'http', target: `http://localhost/${name}`, state, reason, attempts: 1, durationMs: 5 };
}

function report(...probes: ProbeResult[]): HealthReport {
  return { environment: 'prod', state: 'healthy', checkedAt: new Date(T0).toISOString(), durationMs: 5, probes };
}

/** Feeds rounds one after another (each at its own time) and returns every round's events and the last state. */
function rounds(steps: { at: number; probes: ProbeResult[] }[], reminderMs?: number, start?: MonitorState) {
  let state = start;
  const events = steps.map((step) => {
    const result = evaluate(state, report(...step.probes), step.at, reminderMs);
    state = result.next;
    return result.events;
  });
  return { events, state: state! };
}

describe('evaluate: alerts on a change of state only', () => {
  it('a probe already down at the first round alerts once, then stays quiet while it stays down', () => {
    const { events } = rounds([0, 1, 2, 3, 4, 5].map((i) => ({ at: T0 + i * MINUTE, probes: [probe('api', 'unhealthy')] })));
    expect(events[0]).toEqual([{ kind: 'down', probe: 'api', from: 'healthy', to: 'unhealthy', reason: 'api is unhealthy' }]);
    expect(events.slice(1).flat()).toEqual([]);
  });

  it('healthy rounds, first ones included, never alert', () => {
    const { events, state } = rounds([0, 1, 2].map((i) => ({ at: T0 + i * MINUTE, probes: [probe('api', 'healthy')] })));
    expect(events.flat()).toEqual([]);
    expect(state.probes.api).toMatchObject({ state: 'healthy', since: new Date(T0).toISOString() });
  });

  it('an outage of 5 rounds gives one down and one recovered event, which carries how long it lasted', () => {
    const states: HealthState[] = ['healthy', 'healthy', 'unhealthy', 'unhealthy', 'unhealthy', 'unhealthy', 'unhealthy', 'healthy', 'healthy'];
    const { events, state } = rounds(states.map((s, i) => ({ at: T0 + i * MINUTE, probes: [probe('api', s)] })));
    expect(events.flat().map((e) => e.kind)).toEqual(['down', 'recovered']);
    expect(events[7]).toEqual([{ kind: 'recovered', probe: 'api', from: 'unhealthy', to: 'healthy', reason: 'HTTP 200 in 5 ms', lastedMs: 5 * MINUTE }]);
    expect(state.probes.api).not.toHaveProperty('problemSince');
  });

  it('the same state with a new reason updates the reason without an alert', () => {
    const { events, state } = rounds([
      { at: T0, probes: [probe('api', 'unhealthy', 'HTTP 503')] },
      { at: T0 + MINUTE, probes: [probe('api', 'unhealthy', 'connection refused')] },
    ]);
    expect(events[1]).toEqual([]);
    expect(state.probes.api).toMatchObject({ reason: 'connection refused', since: new Date(T0).toISOString() });
  });

  it('degraded then unhealthy is a down event "from degraded", timed from when it first stopped being healthy', () => {
    const { events } = rounds([
      { at: T0, probes: [probe('api', 'healthy')] },
      { at: T0 + MINUTE, probes: [probe('api', 'degraded')] },
      { at: T0 + 2 * MINUTE, probes: [probe('api', 'degraded')] },
      { at: T0 + 4 * MINUTE, probes: [probe('api', 'unhealthy')] },
      { at: T0 + 10 * MINUTE, probes: [probe('api', 'healthy')] },
    ]);
    expect(events[1]).toEqual([{ kind: 'degraded', probe: 'api', from: 'healthy', to: 'degraded', reason: 'api is degraded' }]);
    expect(events[2]).toEqual([]);
    expect(events[3]).toEqual([{ kind: 'down', probe: 'api', from: 'degraded', to: 'unhealthy', reason: 'api is unhealthy', lastedMs: 3 * MINUTE }]);
    // Recovered after the whole problem (degraded + down), not only the down part.
    expect(events[4]).toEqual([expect.objectContaining({ kind: 'recovered', from: 'unhealthy', lastedMs: 9 * MINUTE })]);
  });

  it('unhealthy then degraded is a degraded event; healthy after degraded is recovered', () => {
    const { events } = rounds([
      { at: T0, probes: [probe('api', 'unhealthy')] },
      { at: T0 + MINUTE, probes: [probe('api', 'degraded')] },
      { at: T0 + 3 * MINUTE, probes: [probe('api', 'healthy')] },
    ]);
    expect(events.flat().map((e) => [e.kind, e.from, e.lastedMs])).toEqual([
      ['down', 'healthy', undefined],
      ['degraded', 'unhealthy', MINUTE],
      ['recovered', 'degraded', 3 * MINUTE],
    ]);
  });

  it('an unknown probe (tool missing) keeps its previous state and never alerts, neither as down nor as recovered', () => {
    const { events, state } = rounds([
      { at: T0, probes: [probe('db', 'unhealthy')] },
      { at: T0 + MINUTE, probes: [probe('db', 'unknown')] },
      { at: T0 + 2 * MINUTE, probes: [probe('db', 'unknown')] },
      { at: T0 + 3 * MINUTE, probes: [probe('db', 'unhealthy')] },
    ]);
    expect(events.flat().map((e) => e.kind)).toEqual(['down']);
    expect(state.probes.db).toMatchObject({ state: 'unhealthy', since: new Date(T0).toISOString() });
  });

  it('an unknown probe never seen before is not remembered, so it cannot later "recover"', () => {
    const { events, state } = rounds([
      { at: T0, probes: [probe('db', 'unknown')] },
      { at: T0 + MINUTE, probes: [probe('db', 'healthy')] },
    ]);
    expect(events.flat()).toEqual([]);
    expect(state.probes.db?.state).toBe('healthy');
    expect(evaluate(undefined, report(probe('db', 'unknown')), T0, undefined).next.probes).toEqual({});
  });

  it('a configured probe left out of a round (--only) keeps its memory, so a later full round does not re-alert', () => {
    const configured = new Set(['api', 'db']);
    const first = evaluate(undefined, report(probe('api', 'healthy'), probe('db', 'unhealthy')), T0, undefined, configured);
    expect(first.events.map((e) => [e.kind, e.probe])).toEqual([['down', 'db']]);
    const onlyApi = evaluate(first.next, report(probe('api', 'healthy')), T0 + MINUTE, undefined, configured);
    expect(onlyApi.next.probes.db).toEqual(first.next.probes.db);
    const full = evaluate(onlyApi.next, report(probe('api', 'healthy'), probe('db', 'unhealthy')), T0 + 2 * MINUTE, undefined, configured);
    expect(full.events).toEqual([]);
  });

  it('undelivered alert texts are carried to the next state until delivered', () => {
    const start: MonitorState = { version: 1, environment: 'prod', updatedAt: new Date(T0).toISOString(), probes: {}, undelivered: ['[shop prod] 🔴 DOWN api'] };
    expect(evaluate(start, report(probe('api', 'unhealthy')), T0 + MINUTE, undefined).next.undelivered).toEqual(['[shop prod] 🔴 DOWN api']);
  });

  it('a probe no longer in the report is dropped from the state', () => {
    const { state } = rounds([
      { at: T0, probes: [probe('api', 'unhealthy'), probe('old', 'unhealthy')] },
      { at: T0 + MINUTE, probes: [probe('api', 'unhealthy')] },
    ]);
    expect(Object.keys(state.probes)).toEqual(['api']);
  });

  it('several probes changing in one round give one event each', () => {
    const { events } = rounds([
      { at: T0, probes: [probe('api', 'healthy'), probe('web', 'healthy'), probe('db', 'healthy')] },
      { at: T0 + MINUTE, probes: [probe('api', 'unhealthy'), probe('web', 'degraded'), probe('db', 'healthy')] },
    ]);
    expect(events[1]!.map((e) => [e.probe, e.kind])).toEqual([
      ['api', 'down'],
      ['web', 'degraded'],
    ]);
  });

  it('the next state names the environment and the time of the round', () => {
    const { next } = evaluate(undefined, report(probe('api', 'healthy')), T0 + 5000, undefined);
    expect(next).toMatchObject({ version: 1, environment: 'prod', updatedAt: new Date(T0 + 5000).toISOString() });
  });
});

describe('evaluate: reminders while still down', () => {
  const down = (minutes: number[]) => minutes.map((m) => ({ at: T0 + m * MINUTE, probes: [probe('api', 'unhealthy')] }));

  it('repeats still-down once per reminder interval since the last alert, with how long it has lasted', () => {
    const { events } = rounds(down([0, 5, 10, 14, 15, 20, 29, 30]), 10 * MINUTE);
    const reminders = events.map((round, i) => [i, round.map((e) => [e.kind, e.lastedMs])]).filter(([, r]) => (r as unknown[]).length > 0);
    expect(reminders).toEqual([
      [0, [['down', undefined]]],
      [2, [['still-down', 10 * MINUTE]]],
      [5, [['still-down', 20 * MINUTE]]],
      [7, [['still-down', 30 * MINUTE]]],
    ]);
  });

  it('sends no reminder without a reminder interval, nor for a probe that stays degraded', () => {
    expect(rounds(down([0, 30, 60, 600])).events.flat().map((e) => e.kind)).toEqual(['down']);
    const degraded = [0, 30, 60].map((m) => ({ at: T0 + m * MINUTE, probes: [probe('api', 'degraded')] }));
    expect(rounds(degraded, MINUTE).events.flat().map((e) => e.kind)).toEqual(['degraded']);
  });

  it('a reminder after degraded -> down counts from the first degraded round', () => {
    const { events } = rounds(
      [
        { at: T0, probes: [probe('api', 'degraded')] },
        { at: T0 + 2 * MINUTE, probes: [probe('api', 'unhealthy')] },
        { at: T0 + 12 * MINUTE, probes: [probe('api', 'unhealthy')] },
      ],
      10 * MINUTE,
    );
    expect(events[2]).toEqual([expect.objectContaining({ kind: 'still-down', lastedMs: 12 * MINUTE })]);
  });
});

describe('loadState and saveState', () => {
  const effects = createEffects({ dryRun: false, log: () => undefined });
  const saved: MonitorState = {
    version: 1,
    environment: 'prod',
    updatedAt: new Date(T0).toISOString(),
    probes: { api: { state: 'unhealthy', since: new Date(T0).toISOString(), problemSince: new Date(T0).toISOString(), reason: 'HTTP 503', lastAlertAt: new Date(T0).toISOString() } },
  };

  it('statePath is <stateDir>/monitor-<env>.json', () => {
    expect(statePath(path.join('x', 'state'), 'prod')).toBe(path.join('x', 'state', 'monitor-prod.json'));
  });

  it('a missing file is no state and no problem', async () => {
    expect(await loadState(path.join(tempDir(), 'monitor-prod.json'), 'prod')).toEqual({});
  });

  it('round-trips through saveState, creating the folder', async () => {
    const file = path.join(tempDir(), 'deep', 'state', 'monitor-prod.json');
    await saveState(effects, file, saved);
    expect(await loadState(file, 'prod')).toEqual({ state: saved });
  });

  it('saveState replaces the file whole and leaves no temporary file behind', async () => {
    const dir = tempDir();
    const file = statePath(dir, 'prod');
    writeFileSync(file, 'old content that is longer than nothing at all'.repeat(100));
    await saveState(effects, file, saved);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(saved);
    expect(readdirSync(dir)).toEqual(['monitor-prod.json']);
  });

  it('under --dry-run saveState writes nothing and says what it would write', async () => {
    const dir = tempDir();
    const file = statePath(path.join(dir, 'state'), 'prod');
    const planned: string[] = [];
    await saveState(createEffects({ dryRun: true, log: (line) => planned.push(line) }), file, saved);
    expect(readdirSync(dir)).toEqual([]);
    expect(planned).toEqual([`would create folder ${path.dirname(file)}`, expect.stringMatching(/^would write .*monitor-prod\.json \(\d+ bytes\)$/)]);
  });

  it('a corrupt file is reported and ignored, not fatal', async () => {
    const file = statePath(tempDir(), 'prod');
    writeFileSync(file, '{"version": 1, "environment": "pr');
    const result = await loadState(file, 'prod');
    expect(result.state).toBeUndefined();
    expect(result.problem).toBe(`${file} is not valid JSON; starting afresh`);
  });

  it('the state of another environment, or of another version, is not used', async () => {
    const file = statePath(tempDir(), 'prod');
    writeFileSync(file, JSON.stringify({ ...saved, environment: 'staging' }));
    expect(await loadState(file, 'prod')).toEqual({ problem: `${file} is not a monitor state of prod; starting afresh` });
    writeFileSync(file, JSON.stringify({ ...saved, version: 2 }));
    expect((await loadState(file, 'prod')).state).toBeUndefined();
    writeFileSync(file, JSON.stringify({ ...saved, probes: null }));
    expect((await loadState(file, 'prod')).state).toBeUndefined();
  });

  it('a JSON document that is not an object (null, a list) is ignored with a problem, not a crash', async () => {
    const file = statePath(tempDir(), 'prod');
    for (const text of ['null', '[]', '42']) {
      writeFileSync(file, text);
      const result = await loadState(file, 'prod');
      expect(result.state).toBeUndefined();
      expect(result.problem).toContain('starting afresh');
    }
  });

  it('a file that cannot be read (a folder in its place) is reported', async () => {
    const dir = tempDir();
    const result = await loadState(dir, 'prod');
    expect(result.state).toBeUndefined();
    expect(result.problem).toMatch(new RegExp(`^cannot read ${dir.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}: `));
  });

  it('a restart resumes: the loaded state does not re-alert an ongoing outage', async () => {
    const file = statePath(tempDir(), 'prod');
    await saveState(effects, file, saved);
    const { state } = await loadState(file, 'prod');
    const { events } = evaluate(state, report(probe('api', 'unhealthy')), T0 + 5 * MINUTE, undefined);
    expect(events).toEqual([]);
    const recovery = evaluate(state, report(probe('api', 'healthy')), T0 + 7 * MINUTE, undefined);
    expect(recovery.events).toEqual([expect.objectContaining({ kind: 'recovered', lastedMs: 7 * MINUTE })]);
  });
});

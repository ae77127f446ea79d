import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../src/history/journal.js';
import { judgeSchedule } from '../../../src/monitor/missed-schedules.js';

const at = (text: string) => new Date(text).getTime();
const entry = { name: 'shop-prod-backup', schedule: '0 2 * * *' };
const run = (startedAt: string, result: HistoryEntry['result'] = 'success', exitCode = 0): HistoryEntry => ({
  id: 'x', type: 'scheduled-run', environment: 'prod', app: 'shop', user: 'u', host: 'h', startedAt, durationMs: 1000, result, details: { schedule: entry.name, exitCode },
});
const GRACE = 30 * 60_000;

describe('judgeSchedule', () => {
  it('is healthy while the next run is not yet overdue by more than the grace', () => {
    const last = run(new Date(at('2026-03-10T02:00:05')).toISOString());
    expect(judgeSchedule(entry, last, 0, at('2026-03-11T02:20:00'), GRACE).state).toBe('healthy');
  });

  it('is down once the 02:00 run is overdue by more than the grace, saying when it was due', () => {
    const last = run(new Date(at('2026-03-10T02:00:05')).toISOString());
    const judged = judgeSchedule(entry, last, 0, at('2026-03-11T02:31:00'), GRACE);
    expect(judged.state).toBe('unhealthy');
    expect(judged.reason).toMatch(/^missed its run due .* by more than 30m; last run .* \(success\)$/);
  });

  it('with no run recorded, counts from when monitor first saw the entry', () => {
    expect(judgeSchedule(entry, undefined, at('2026-03-10T03:00:00'), at('2026-03-11T01:00:00'), GRACE).state).toBe('healthy');
    expect(judgeSchedule(entry, undefined, at('2026-03-10T03:00:00'), at('2026-03-11T03:00:00'), GRACE)).toMatchObject({ state: 'unhealthy', reason: expect.stringContaining('no run recorded') });
  });

  it('a failed last run is down, named with its exit code', () => {
    const last = run(new Date(at('2026-03-10T02:00:05')).toISOString(), 'failed', 2);
    expect(judgeSchedule(entry, last, 0, at('2026-03-10T09:00:00'), GRACE)).toMatchObject({ state: 'unhealthy', reason: expect.stringContaining('the last run failed (exit 2') });
  });
});

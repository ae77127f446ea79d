import { describe, expect, it } from 'vitest';
import { applyRetention, bucketOf, isEmptyPolicy } from '../../../src/backup/retention.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T02:00:00Z');

/** One set a day at 02:00 UTC for `days` days back from NOW (newest first). */
function daily(days: number) {
  return Array.from({ length: days }, (_, i) => {
    const at = new Date(NOW - i * DAY);
    return { id: at.toISOString().slice(0, 10), createdAt: at.toISOString() };
  });
}

const kept = (decisions: { id: string; keep: boolean }[]) => decisions.filter((d) => d.keep).map((d) => d.id);

describe('applyRetention', () => {
  it('daily 7 keeps the seven newest days', () => {
    expect(kept(applyRetention(daily(30), { daily: 7 }, NOW))).toEqual(daily(7).map((s) => s.id));
  });

  it('keeps the newest set of a day, not every set of it', () => {
    const sets = [
      { id: 'b', createdAt: '2026-11-23T01:00:00Z' },
      { id: 'a', createdAt: '2026-11-23T00:10:00Z' },
      { id: 'y', createdAt: '2026-11-22T23:00:00Z' },
    ];
    const decisions = applyRetention(sets, { daily: 2 }, NOW);
    expect(decisions.map((d) => [d.id, d.keep])).toEqual([['b', true], ['a', false], ['y', true]]);
    expect(decisions[1]!.reasons[0]).toBe('not the newest set of the last 2 days');
  });

  it('7 daily, 4 weekly, 3 monthly over 120 days of nightly sets: the manuals\' scheme', () => {
    const decisions = applyRetention(daily(120), { daily: 7, weekly: 4, monthly: 3 }, NOW);
    const ids = kept(decisions);
    // 23 Nov 2026 is a Monday (W48). Kept: 7 days (17-23 Nov); the newest of W48, W47, W46, W45 (23, 22, 15, 8 Nov:
    // the Sundays that close each older week); the newest of November, October, September (23 Nov, 31 Oct, 30 Sep).
    expect(ids).toEqual(['2026-11-23', '2026-11-22', '2026-11-21', '2026-11-20', '2026-11-19', '2026-11-18', '2026-11-17', '2026-11-15', '2026-11-08', '2026-10-31', '2026-09-30']);
    expect(decisions.find((d) => d.id === '2026-11-23')!.reasons).toEqual(['newest', 'daily 1/7 (2026-11-23)', 'weekly 1/4 (2026-W48)', 'monthly 1/3 (2026-11)']);
    expect(decisions.find((d) => d.id === '2026-11-15')!.reasons).toEqual(['weekly 3/4 (2026-W46)']);
  });

  it('maxAgeDays alone keeps what is younger, like find -mtime +30 -delete', () => {
    const decisions = applyRetention(daily(40), { maxAgeDays: 30 }, NOW);
    expect(kept(decisions)).toHaveLength(30);
    expect(decisions.at(-1)!.reasons[0]).toBe('39 days old (maxAgeDays 30)');
  });

  it('rules add up: a set kept by any rule stays', () => {
    const decisions = applyRetention(daily(40), { daily: 3, maxAgeDays: 10 }, NOW);
    expect(kept(decisions)).toHaveLength(10);
  });

  it('never removes the newest set, however old', () => {
    const old = [{ id: 'old', createdAt: '2020-01-01T00:00:00Z' }, { id: 'older', createdAt: '2019-01-01T00:00:00Z' }];
    expect(applyRetention(old, { maxAgeDays: 30 }, NOW).map((d) => d.keep)).toEqual([true, false]);
  });

  it('a pause in backups does not empty the history: buckets count only days that have a set', () => {
    const sets = daily(3).map((s, i) => ({ ...s, createdAt: new Date(NOW - (i + 20) * DAY).toISOString() }));
    expect(kept(applyRetention(sets, { daily: 3 }, NOW))).toHaveLength(3);
  });

  it('safety sets are not the newest nor in a bucket: kept 7 days by their own rule', () => {
    const sets = [
      { id: 'safety-new', createdAt: '2026-11-23T01:00:00Z', safety: true },
      { id: 'regular', createdAt: '2026-11-22T02:00:00Z' },
      { id: 'regular-old', createdAt: '2026-11-21T02:00:00Z' },
      { id: 'safety-old', createdAt: '2026-11-10T02:00:00Z', safety: true },
    ];
    const decisions = applyRetention(sets, { daily: 1 }, NOW);
    expect(decisions.map((d) => [d.id, d.keep, d.reasons[0]])).toEqual([
      ['safety-new', true, 'safety set, younger than 7 days'],
      ['regular', true, 'newest'],
      ['regular-old', false, 'not the newest set of the last 1 days'],
      ['safety-old', false, 'safety set, 7 days old or more'],
    ]);
  });

  it('knows an empty policy', () => {
    expect(isEmptyPolicy(undefined)).toBe(true);
    expect(isEmptyPolicy({ daily: 0 })).toBe(true);
    expect(isEmptyPolicy({ weekly: 1 })).toBe(false);
  });

  it('buckets by UTC day, ISO week and month', () => {
    expect(bucketOf('weekly', new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(bucketOf('weekly', new Date('2026-11-23T00:00:00Z'))).toBe('2026-W48');
    expect(bucketOf('daily', new Date('2026-11-23T23:59:59Z'))).toBe('2026-11-23');
    expect(bucketOf('monthly', new Date('2026-02-28T23:59:59Z'))).toBe('2026-02');
  });
});

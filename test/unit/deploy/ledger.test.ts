import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../src/history/journal.js';
import { findRelease, previousGood, readLedger, rollbackTarget, type ReleaseDetails } from '../../../src/deploy/ledger.js';

const sha = (c: string) => c.repeat(40);
let clock = 0;
function entry(type: 'deploy' | 'rollback', details: Partial<ReleaseDetails> & { release: string }): HistoryEntry {
  clock += 1;
  return {
    id: String(clock), type, environment: 'prod', app: 'a', user: 'u', host: 'h', startedAt: new Date(clock * 1000).toISOString(), durationMs: 1, result: 'success',
    details: { shortSha: details.release.slice(0, 7), previous: null, running: details.release, verdict: 'good', ...details },
  };
}

describe('readLedger (newest first)', () => {
  it('what runs is the newest entry\'s running release; good releases newest first without repeats', () => {
    const oldest = [entry('deploy', { release: sha('a') }), entry('deploy', { release: sha('b') }), entry('deploy', { release: sha('a') })];
    const ledger = readLedger([...oldest].reverse());
    expect(ledger.current).toBe(sha('a'));
    expect(ledger.good).toEqual([sha('a'), sha('b')]);
    expect(previousGood(ledger)).toBe(sha('b'));
  });

  it('a deploy rolled back marks its release bad and leaves the previous one running', () => {
    const list = [entry('deploy', { release: sha('a') }), entry('deploy', { release: sha('b'), previous: sha('a'), running: sha('a'), verdict: 'bad' })];
    const ledger = readLedger(list.reverse());
    expect(ledger.current).toBe(sha('a'));
    expect([...ledger.bad]).toEqual([sha('b')]);
    expect(ledger.good).toEqual([sha('a')]);
    expect(previousGood(ledger)).toBeUndefined();
  });

  it('the newest verdict wins: a bad release forced later and passing is good again', () => {
    const list = [entry('deploy', { release: sha('b'), verdict: 'bad', running: null }), entry('deploy', { release: sha('b') })];
    const ledger = readLedger(list.reverse());
    expect(ledger.bad.size).toBe(0);
    expect(ledger.good).toEqual([sha('b')]);
  });

  it('untested outcomes (a failed build, an unchanged deploy) judge nothing; entries without release details are skipped', () => {
    const plain: HistoryEntry = { ...entry('deploy', { release: sha('c') }), details: { outcome: 'failed' } };
    const list = [entry('deploy', { release: sha('a') }), entry('deploy', { release: sha('c'), verdict: 'untested', running: sha('a') }), plain];
    const ledger = readLedger(list.reverse());
    expect(ledger.current).toBe(sha('a'));
    expect(ledger.good).toEqual([sha('a')]);
    expect(ledger.bad.size).toBe(0);
  });

  it('repeated rollbacks go further back (A, B, C: back to B, then A), never forth to the release just left', () => {
    const list = [entry('deploy', { release: sha('a') }), entry('deploy', { release: sha('b') }), entry('deploy', { release: sha('c') })];
    let ledger = readLedger([...list].reverse());
    expect(previousGood(ledger)).toBe(sha('b'));
    list.push(entry('rollback', { release: sha('b'), previous: sha('c') }));
    ledger = readLedger([...list].reverse());
    expect(ledger.current).toBe(sha('b'));
    expect(previousGood(ledger)).toBe(sha('a'));
    list.push(entry('rollback', { release: sha('a'), previous: sha('b') }));
    expect(previousGood(readLedger([...list].reverse()))).toBeUndefined();
  });

  it('an automatic rollback goes to what ran before only when it was good; else to the newest good release before it', () => {
    const good = [entry('deploy', { release: sha('a') })];
    expect(rollbackTarget(readLedger([...good].reverse()))).toBe(sha('a'));
    const keptBad = [...good, entry('deploy', { release: sha('b'), previous: sha('a'), verdict: 'bad' })];
    expect(readLedger([...keptBad].reverse()).current).toBe(sha('b'));
    expect(rollbackTarget(readLedger([...keptBad].reverse()))).toBe(sha('a'));
  });

  it('finds releases by a sha prefix, case-insensitively', () => {
    const ledger = readLedger([entry('deploy', { release: 'abc1' + '0'.repeat(36) }), entry('deploy', { release: 'abc2' + '0'.repeat(36) })]);
    expect(findRelease(ledger, 'ABC')).toHaveLength(2);
    expect(findRelease(ledger, 'abc1')).toEqual(['abc1' + '0'.repeat(36)]);
    expect(findRelease(ledger, 'ffff')).toEqual([]);
  });
});

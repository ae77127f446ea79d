import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../src/history/journal.js';
import { renderHistory } from '../../../src/output/history-table.js';
import { createStyle } from '../../../src/output/style.js';

const entry = (type: string, details: Record<string, unknown>): HistoryEntry => ({
  id: 'x', type, environment: 'prod', app: 'shop', user: 'ops', host: 'h', startedAt: '2026-11-22T09:00:00.000Z', durationMs: 3000, result: 'success', details,
});
const detailsOf = (e: HistoryEntry) => renderHistory([e], createStyle(false));

describe('history details read as sentences', () => {
  it('backup, cleanup, restore and prune', () => {
    expect(detailsOf(entry('backup', { id: '20261122T090000Z', bytes: 2048, parts: [{ name: 'main' }, { name: 'files' }] }))).toContain('set 20261122T090000Z, 2.0 KB: main, files');
    expect(detailsOf(entry('cleanup', { kinds: ['temp'], planned: 2, removed: { temp: 2 }, failed: [], bytesFreed: 188 }))).toContain('removed 2 of 2 planned, freed 188 B');
    expect(detailsOf(entry('restore', { id: 's1', safetySet: 's2', restored: [{ name: 'main', kind: 'postgres', into: 'main' }] }))).toContain('set s1: main; safety set s2');
    expect(detailsOf(entry('backup-prune', { removed: ['a', 'b'], kept: ['c'] }))).toContain('removed 2 sets, kept 1');
    expect(detailsOf(entry('backup', { id: 'a', bytes: 1, parts: [] }))).not.toContain('=');
  });
  it('a redeploy of the release that runs does not say it came from itself', () => {
    const sha = 'abcdef1234567890';
    expect(detailsOf(entry('deploy', { shortSha: 'abcdef1', subject: 'fix', previous: sha }))).not.toContain('(from');
    expect(detailsOf(entry('deploy', { shortSha: 'abcdef1', subject: 'fix', previous: '1234567aaaa' }))).toContain('(from 1234567)');
  });
  it('an automatic rollback after migrations says the schema stayed', () => {
    const back = { ...entry('deploy', { shortSha: 'bbbbbbb', subject: 'v4', previous: 'a'.repeat(40), running: 'a'.repeat(40) }), result: 'rolled-back' as const };
    expect(detailsOf(back)).toContain('bbbbbbb v4, back on aaaaaaa');
    expect(detailsOf(back)).not.toContain('schema');
    expect(detailsOf({ ...back, details: { ...back.details, database: { migrated: true, rolledBack: false, backup: null } } })).toContain('back on aaaaaaa; the schema of bbbbbbb stays applied');
  });
});

import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { InterruptedError, ToolError } from '../../../src/errors.js';
import { appendEntry, journalPath, readEntries, recordOperation, type HistoryEntry } from '../../../src/history/journal.js';
import { registerSecret } from '../../../src/process/redact.js';
import { tempDir } from '../helpers.js';

type NewEntry = Omit<HistoryEntry, 'id' | 'user' | 'host'>;

function entry(type: string, environment: string, minute: number, extra: Partial<NewEntry> = {}): NewEntry {
  return { type, environment, app: 'api', startedAt: `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`, durationMs: 1200, result: 'success', ...extra };
}

async function journal(...entries: NewEntry[]): Promise<string> {
  const dir = tempDir();
  for (const e of entries) await appendEntry(dir, e);
  return dir;
}

const describeEntries = (entries: HistoryEntry[]) => entries.map((e) => `${e.environment}:${e.type}@${e.startedAt.slice(11, 16)}`);

describe('appendEntry', () => {
  it('adds an id, the user and the host', async () => {
    const dir = tempDir();
    const written = await appendEntry(dir, entry('deploy', 'production', 1));
    expect(written).toMatchObject({ type: 'deploy', environment: 'production', host: os.hostname(), user: expect.any(String) });
    expect(written.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await readEntries(dir)).toEqual([written]);
  });

  it('masks secrets in details and errors before they reach the disk', async () => {
    registerSecret('journal-token-5150');
    const dir = await journal(
      entry('backup', 'production', 1, { details: { source: 'postgres://app:disk-secret@db/main', steps: ['curl -H journal-token-5150'] }, error: 'psql: password disk-secret rejected for postgres://app:disk-secret@db' }),
    );
    const onDisk = readFileSync(journalPath(dir), 'utf8');
    expect(onDisk).not.toMatch(/disk-secret@|journal-token-5150/);
    expect(onDisk).toContain('postgres://app:***@db/main');
  });
});

describe('readEntries', () => {
  it('returns the newest first', async () => {
    const dir = await journal(entry('deploy', 'production', 1), entry('backup', 'production', 2), entry('rollback', 'production', 3));
    expect((await readEntries(dir)).map((e) => e.type)).toEqual(['rollback', 'backup', 'deploy']);
  });

  it('filters by environment and by type, and keeps the newest `limit` of what matches', async () => {
    const dir = await journal(
      entry('deploy', 'production', 1),
      entry('deploy', 'staging', 2),
      entry('backup', 'production', 3),
      entry('deploy', 'production', 4),
      entry('rollback', 'production', 5),
      entry('scale', 'production', 6),
    );
    expect(describeEntries(await readEntries(dir, { environment: 'production', types: ['deploy', 'rollback'] }))).toEqual([
      'production:rollback@10:05',
      'production:deploy@10:04',
      'production:deploy@10:01',
    ]);
    expect(describeEntries(await readEntries(dir, { environment: 'production', limit: 2 }))).toEqual(['production:scale@10:06', 'production:rollback@10:05']);
    expect(describeEntries(await readEntries(dir, { types: ['deploy'], limit: 1 }))).toEqual(['production:deploy@10:04']);
  });

  it('skips torn, foreign and garbage lines', async () => {
    const dir = await journal(entry('deploy', 'production', 1));
    appendFileSync(journalPath(dir), '{"type":"deploy","environment":"produ\n');
    appendFileSync(journalPath(dir), 'garbage\n\n[1,2]\n{"note":"not an entry"}\n\u0000\u0000\n');
    await appendEntry(dir, entry('backup', 'production', 2));
    expect((await readEntries(dir)).map((e) => e.type)).toEqual(['backup', 'deploy']);
  });

  it('returns nothing when there is no journal yet', async () => {
    expect(await readEntries(tempDir())).toEqual([]);
  });

  it('returns nothing when the state dir itself does not exist', async () => {
    expect(await readEntries(`${tempDir()}/missing/state`)).toEqual([]);
  });
});

describe('recordOperation', () => {
  const where = (stateDir: string) => ({ stateDir, environment: 'production', app: 'api' });

  it('journals a success with its details and returns the value', async () => {
    const dir = tempDir();
    const value = await recordOperation(where(dir), 'scale', async () => ({ value: 4, details: { from: 2, to: 4 } }));
    expect(value).toBe(4);
    const [written] = await readEntries(dir);
    expect(written).toMatchObject({ type: 'scale', environment: 'production', app: 'api', result: 'success', details: { from: 2, to: 4 } });
    expect(written!.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(written!.startedAt)).toBeLessThanOrEqual(Date.now());
  });

  it('keeps a result the operation reports, such as rolled-back', async () => {
    const dir = tempDir();
    await recordOperation(where(dir), 'deploy', async () => ({ value: undefined, result: 'rolled-back' }));
    expect((await readEntries(dir))[0]!.result).toBe('rolled-back');
  });

  it('journals a failure with its (masked) message and rethrows the same error', async () => {
    const dir = tempDir();
    const failure = new ToolError('pg_dump postgres://app:record-secret@db/main failed with exit code 1.');
    await expect(recordOperation(where(dir), 'backup', () => Promise.reject(failure))).rejects.toBe(failure);
    const [written] = await readEntries(dir);
    expect(written).toMatchObject({ type: 'backup', result: 'failed', error: 'pg_dump postgres://app:***@db/main failed with exit code 1.' });
  });

  it('journals an interruption as interrupted', async () => {
    const dir = tempDir();
    await expect(recordOperation(where(dir), 'deploy', () => Promise.reject(new InterruptedError('Interrupted.')))).rejects.toBeInstanceOf(InterruptedError);
    expect((await readEntries(dir))[0]).toMatchObject({ result: 'interrupted', error: 'Interrupted.' });
  });

  // src bug: src/history/journal.ts:98 awaits appendEntry inside the catch block, so when the journal cannot be
  // written (state dir on a full or read-only disk, or a file in its place) the operation's own error is replaced by
  // an fs error such as ENOTDIR, and the user never learns why the deploy failed. Catch a journaling failure there,
  // log it as a warning, and rethrow the original error.
  it('rethrows the operation\'s own error even when the journal cannot be written', async () => {
    const blocked = path.join(tempDir(), 'state');
    writeFileSync(blocked, 'a file where the state dir should be');
    const failure = new ToolError('docker compose up failed with exit code 1.');
    await expect(recordOperation(where(blocked), 'deploy', () => Promise.reject(failure))).rejects.toBe(failure);
  });

  it('creates the state dir on first use', async () => {
    const dir = `${tempDir()}/nested/.opsctl`;
    await recordOperation(where(dir), 'cleanup', async () => ({ value: null }));
    expect(await readEntries(dir)).toHaveLength(1);
  });
});


import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportBadLines } from '../../../src/history/bad-lines.js';
import { appendEntry, journalPath, readEntries, recordOperation, type HistoryEntry } from '../../../src/history/journal.js';
import { requireTool } from '../../support/real-tools.js';
import { tempDir } from '../helpers.js';

/** Writing to a folder fails with EISDIR on Linux and Windows; Wine says EBADF, so the message cannot name the cause there. */
const eisdir = requireTool('eisdir', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-eisdir-'));
  try {
    appendFileSync(dir, 'x');
    return 'appending to a folder did not fail';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EISDIR' ? undefined : `appending to a folder fails with ${code}, not EISDIR (Wine)`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

type NewEntry = Omit<HistoryEntry, 'id' | 'user' | 'host'>;

const entry = (type: string, minute: number): NewEntry => ({ type, environment: 'production', app: 'api', startedAt: `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`, durationMs: 5, result: 'success' });

/** The warnings about `dir`'s journal so far (other tests' journals share the per-run registry). */
function collect(dir: string): { report: () => string[] } {
  const warnings: string[] = [];
  return { report: () => (reportBadLines((m) => warnings.push(m)), warnings.filter((w) => w.startsWith(`${journalPath(dir)}:`))) };
}

async function journal(...entries: NewEntry[]): Promise<string> {
  const dir = tempDir();
  for (const e of entries) await appendEntry(dir, e);
  return dir;
}

/** Cuts the last `bytes` of the journal, as a write cut short by a full disk or a crash leaves it. */
function tear(dir: string, bytes: number): void {
  truncateSync(journalPath(dir), statSync(journalPath(dir)).size - bytes);
}

describe('a torn journal line', () => {
  it('does not swallow the next entry: the append starts on a line of its own', async () => {
    const dir = await journal(entry('deploy', 1), entry('backup', 2));
    tear(dir, 30);
    await appendEntry(dir, entry('deploy', 3));
    expect((await readEntries(dir)).map((e) => `${e.type}@${e.startedAt.slice(14, 16)}`)).toEqual(['deploy@03', 'deploy@01']);
    const lines = readFileSync(journalPath(dir), 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[2]!)).toMatchObject({ type: 'deploy' });
  });

  it('is warned about once, naming the file and its line, however many readers and appends meet it', async () => {
    const dir = await journal(entry('deploy', 1), entry('backup', 2));
    tear(dir, 30);
    const { report } = collect(dir);
    await appendEntry(dir, entry('deploy', 3));
    await Promise.all([readEntries(dir), readEntries(dir, { types: ['deploy'] })]);
    const warnings = report();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${journalPath(dir)}: line 2 is not a complete history entry`);
    await readEntries(dir);
    await appendEntry(dir, entry('scale', 4));
    expect(report()).toHaveLength(1);
  });

  it('leaves a journal that ends with a newline as it is: no empty line is added', async () => {
    const dir = await journal(entry('deploy', 1), entry('backup', 2));
    expect(readFileSync(journalPath(dir), 'utf8')).not.toContain('\n\n');
    const { report } = collect(dir);
    await readEntries(dir);
    expect(report()).toEqual([]);
  });
});

describe('corrupt lines in the middle', () => {
  it('are skipped without taking a neighbour, and reported together in one warning', async () => {
    const dir = await journal(entry('deploy', 1));
    appendFileSync(journalPath(dir), 'garbage\n{"type":"deploy","environment":"produ\n\n');
    await appendEntry(dir, entry('rollback', 2));
    appendFileSync(journalPath(dir), '[1,2]\n');
    await appendEntry(dir, entry('backup', 3));
    expect((await readEntries(dir, { limit: 5 })).map((e) => e.type)).toEqual(['backup', 'rollback', 'deploy']);
    const { report } = collect(dir);
    const [warning] = report();
    // Line 4 is empty (two writers mending one torn tail leave such a line): not a problem.
    expect(warning).toContain(`${journalPath(dir)}: lines 2, 3, 6 are not complete history entries`);
    expect(warning).toMatch(/Delete or repair those lines/);
  });
});

describe('recordOperation and the journal', () => {
  const where = (stateDir: string, warnings: string[]) => ({ stateDir, environment: 'production', app: 'api', warn: (m: string) => warnings.push(m) });

  it('reports the torn line it met through the operation\'s warning, once', async () => {
    const dir = await journal(entry('backup', 1));
    tear(dir, 30);
    const warnings: string[] = [];
    await recordOperation(where(dir, warnings), 'backup', async () => ({ value: 1 }));
    await recordOperation(where(dir, warnings), 'backup', async () => ({ value: 2 }));
    expect(warnings.filter((w) => w.startsWith(journalPath(dir)))).toEqual([expect.stringContaining(`${journalPath(dir)}: line 1 is not a complete history entry`)]);
    expect((await readEntries(dir)).map((e) => e.type)).toEqual(['backup', 'backup']);
  });

  it.skipIf(!eisdir)('says where and why the journal could not be written, with what to do, and the operation stands', async () => {
    const blocked = path.join(tempDir(), 'state');
    mkdirSync(blocked);
    mkdirSync(journalPath(blocked));
    const warnings: string[] = [];
    expect(await recordOperation(where(blocked, warnings), 'scale', async () => ({ value: 'done' }))).toBe('done');
    expect(warnings.filter((w) => !w.includes('not a complete history entr'))).toEqual([
      `Could not append to the history journal (${journalPath(blocked)}): a folder is in the way of a file. This scale is missing from the history. Move that folder away; opsctl keeps a file there.`,
    ]);
  });

  it('a state folder that is a file: a typed error from appendEntry naming the folder', async () => {
    const blocked = path.join(tempDir(), 'state');
    writeFileSync(blocked, 'not a folder');
    await expect(appendEntry(blocked, entry('deploy', 1))).rejects.toMatchObject({ exitCode: 1, message: `Could not create the state folder (${blocked}): a file is in the way of a folder.` });
  });
});

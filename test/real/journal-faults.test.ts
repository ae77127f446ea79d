// The history journal against what a real disk does to it: a line torn by a write cut short, lines
// corrupted by hand, a state folder on a full tmpfs and on a read-only one. The built CLI throughout;
// the locked command is a files-only backup, which needs no tool besides opsctl.
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, parseJson, removeTempDirs } from '../support/real-cli.js';
import { filesBackupApp, type FilesApp } from '../support/files-app.js';
import { requireTool } from '../support/real-tools.js';
import { fillUp, mountTmpfs, probeTmpfs, remountReadOnly, unmount } from '../support/real-tmpfs.js';

const PAGE = 4096;
const mounts: string[] = [];

beforeAll(ensureBuilt, 120_000);
afterAll(() => {
  for (const dir of mounts.splice(0)) unmount(dir);
  removeTempDirs();
});

function app(): FilesApp & { journal: string } {
  const files = filesBackupApp('journal');
  return { ...files, journal: path.join(files.stateDir, 'history.jsonl') };
}

const warningsAbout = (stderr: string, file: string) => stderr.split('\n').filter((line) => line.includes(`${file}: line`));
type Entry = { type: string; result: string; details?: { id?: string } };

describe('a torn or corrupt journal line (built CLI, files-only backup)', () => {
  it('cut 30 bytes off the journal: the next backup is journaled whole, and each run warns once, naming the line', async () => {
    const { cli, journal } = app();
    expect((await cli('backup')).exitCode).toBe(0);
    expect((await cli('backup')).exitCode).toBe(0);
    truncateSync(journal, statSync(journal).size - 30);
    const next = await cli('backup', '--json');
    expect(next.exitCode, next.stderr).toBe(0);
    expect(warningsAbout(next.stderr, journal)).toEqual([expect.stringContaining(`${journal}: line 2 is not a complete history entry`)]);
    const history = await cli('history', '--json');
    const entries = parseJson<{ entries: Entry[] }>(history.stdout).entries;
    expect(entries.map((e) => `${e.type}:${e.result}`)).toEqual(['backup:success', 'backup:success']);
    expect(entries[0]!.details!.id).toBe(parseJson(next.stdout).set.id);
    expect(warningsAbout(history.stderr, journal)).toHaveLength(1);
    // status reads the journal twice (history and the deployed release): still one warning.
    const status = await cli('status', '--json');
    expect(warningsAbout(status.stderr, journal)).toHaveLength(1);
    expect(parseJson(status.stdout).history.map((e: Entry) => e.type)).toEqual(['backup', 'backup']);
  }, 240_000);

  it('garbage lines in the middle are skipped without their neighbours, and named in one warning', async () => {
    const { cli, journal } = app();
    expect((await cli('backup')).exitCode).toBe(0);
    appendFileSync(journal, 'garbage\n{"type":"backup","environment":"produ\n');
    expect((await cli('backup')).exitCode).toBe(0);
    appendFileSync(journal, 'null\n');
    expect((await cli('backup')).exitCode).toBe(0);
    const history = await cli('history', '--json');
    expect(parseJson<{ entries: Entry[] }>(history.stdout).entries).toHaveLength(3);
    expect(warningsAbout(history.stderr, journal)).toEqual([expect.stringContaining(`${journal}: lines 2, 3, 5 are not complete history entries`)]);
    expect(readFileSync(journal, 'utf8').split('\n').filter(Boolean)).toHaveLength(6);
  }, 240_000);
});

const tmpfs = requireTool('tmpfs', probeTmpfs);

describe.skipIf(!tmpfs)('the state folder on a small tmpfs: full, then read-only (built CLI)', () => {
  let setup: ReturnType<typeof app>;
  let filler: string;

  beforeAll(() => {
    setup = app();
    mountTmpfs(setup.stateDir, '64k');
    mounts.push(setup.stateDir);
  });

  it('a journal append cut short by ENOSPC is a warning naming the journal, and the next entry after it stays whole', async () => {
    const { cli, journal, stateDir } = setup;
    expect((await cli('backup')).exitCode).toBe(0);
    // Make the journal end 40 bytes short of a page with a (foreign) entry, then leave one free page:
    // the lock takes it, and the backup's entry fills those 40 bytes before the disk is full.
    const size = statSync(journal).size;
    let pad = (PAGE - 40 - (size % PAGE) + 2 * PAGE) % PAGE;
    if (pad < 200) pad += PAGE;
    const head = '{"id":"pad","type":"note","environment":"other","app":"x","user":"t","host":"t","startedAt":"2026-01-01T00:00:00.000Z","durationMs":0,"result":"success","details":{"pad":"';
    appendFileSync(journal, `${head}${'x'.repeat(pad - head.length - 4)}"}}\n`);
    expect(statSync(journal).size % PAGE).toBe(PAGE - 40);
    filler = fillUp(stateDir, PAGE);

    const cut = await cli('backup');
    expect(cut.exitCode, cut.stderr).toBe(0);
    expect(cut.stderr).toContain(`Could not append to the history journal (${journal}): no space left on the disk. This backup is missing from the history. Free space on the disk that holds ${journal}`);
    expect(readFileSync(journal, 'utf8').endsWith('\n')).toBe(false);
    expect(readdirSync(path.join(stateDir, 'locks'))).toEqual([]);

    rmSync(filler);
    const next = await cli('backup', '--json');
    expect(next.exitCode, next.stderr).toBe(0);
    expect(warningsAbout(next.stderr, journal)).toEqual([expect.stringContaining(`${journal}: line 3 is not a complete history entry`)]);
    const entries = parseJson<{ entries: Entry[] }>((await cli('history', '--json')).stdout).entries;
    expect(entries.map((e) => e.details?.id)).toEqual([parseJson(next.stdout).set.id, expect.any(String)]);
  }, 240_000);

  it('a full disk refuses the lock with exit 1, says where and what to do, and leaves no temp file', async () => {
    const { cli, stateDir } = setup;
    filler = fillUp(stateDir, 0);
    const full = await cli('backup');
    expect(full.exitCode).toBe(1);
    expect(full.stderr).toContain(`Could not write the lock file (${path.join(stateDir, 'locks', 'production.lock')}): no space left on the disk.`);
    expect(full.stderr).toContain('Free space on the disk that holds');
    expect(full.stderr).not.toContain('report it');
    expect(readdirSync(path.join(stateDir, 'locks'))).toEqual([]);
    rmSync(filler);
  }, 240_000);

  it('a read-only state folder: locked commands exit 1 saying so, readers still work', async () => {
    const { cli, stateDir } = setup;
    remountReadOnly(stateDir);
    const refused = await cli('backup');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`Could not write the lock file (${path.join(stateDir, 'locks', 'production.lock')}): the filesystem is read-only.`);
    expect(refused.stderr).toContain('Choose a stateDir on a writable disk');
    const history = await cli('history', '--json');
    expect(history.exitCode, history.stderr).toBe(0);
    expect(parseJson<{ entries: Entry[] }>(history.stdout).entries.length).toBeGreaterThan(0);
    expect(existsSync(path.join(stateDir, 'locks', 'production.lock'))).toBe(false);
  }, 240_000);
});

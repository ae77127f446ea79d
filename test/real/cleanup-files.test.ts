import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { requireTool, type Probe } from '../support/real-tools.js';

const DAY = 86_400_000;
const MB = 1024 * 1024;

/** A file of `bytes` whose mtime is `days` ago. */
function aged(file: string, days: number, bytes = 1024): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.alloc(bytes, 'x'));
  const when = (Date.now() - days * DAY) / 1000;
  utimesSync(file, when, when);
}

/** Latin-1 "café" as a file name: bytes that are not UTF-8. */
const CAFE_LATIN1 = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9])]);

/** The filesystem keeps a name as the bytes given (Linux does; APFS and NTFS refuse or convert names that are not UTF-8). */
const probeByteNames: Probe = () => {
  const dir = makeTempDir('byte-names');
  const name = Buffer.concat([CAFE_LATIN1, Buffer.from('.probe')]);
  try {
    writeFileSync(Buffer.concat([Buffer.from(`${dir}${path.sep}`), name]), '');
  } catch (error) {
    return `this filesystem refuses a name that is not UTF-8 (${(error as Error).message})`;
  }
  const kept = readdirSync(dir, { encoding: 'buffer' }).some((n) => n.equals(name));
  return kept ? undefined : 'this filesystem rewrote a name that is not UTF-8';
};

describe('cleanup on real folders: aged files, budgets, links pointing outside, backups by retention, pm2 logs', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);
  afterAll(() => removeTempDirs());

  function app(cleanup: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
    const dir = makeTempDir('cleanup');
    writeConfig(dir, { version: 1, app: 'tidy', environments: { production: { target: { pm2: { name: 'tidy', script: 'app.js' } }, cleanup, ...extra } } });
    return dir;
  }
  const cli = (dir: string, args: string[], env: Record<string, string> = {}) => runCli(['-e', 'production', ...args], { cwd: dir, env: cleanEnv(env) });

  it('--dry-run lists old files with their size and why, and removes nothing', async () => {
    const dir = app({ temp: [{ path: 'tmp', maxAgeDays: 7 }] });
    aged(path.join(dir, 'tmp', 'old.bin'), 10, 4096);
    aged(path.join(dir, 'tmp', 'fresh.bin'), 1);
    const result = await cli(dir, ['cleanup', '--dry-run']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/temp .*old\.bin .* 4\.0 KB .* 10 days old \(maxAgeDays 7\)/);
    expect(result.stdout).not.toContain('fresh.bin');
    expect(result.stdout).toContain('Dry run: nothing was removed.');
    expect(existsSync(path.join(dir, 'tmp', 'old.bin'))).toBe(true);
  });

  it('without --yes and without a terminal: exit 2, nothing removed', async () => {
    const dir = app({ temp: [{ path: 'tmp', maxAgeDays: 7 }] });
    aged(path.join(dir, 'tmp', 'old.bin'), 10);
    const result = await cli(dir, ['cleanup']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('needs confirmation');
    expect(existsSync(path.join(dir, 'tmp', 'old.bin'))).toBe(true);
  });

  it('removes old files, then the oldest over the budget; links pointing outside and their targets survive', async () => {
    const dir = app({ temp: [{ path: 'tmp', maxAgeDays: 7, maxSizeMB: 2 }] });
    const tmp = path.join(dir, 'tmp');
    aged(path.join(tmp, 'cache', 'ancient.bin'), 30, MB);
    aged(path.join(tmp, 'a.bin'), 5, MB);
    aged(path.join(tmp, 'b.bin'), 4, MB);
    aged(path.join(tmp, 'c.bin'), 3, MB);
    aged(path.join(tmp, 'd.bin'), 0, MB);
    // Old files outside, reachable only through links inside tmp.
    aged(path.join(dir, 'outside', 'precious.bin'), 60, MB);
    aged(path.join(dir, 'outside-file.bin'), 60);
    symlinkSync(path.join(dir, 'outside'), path.join(tmp, 'dir-link'));
    symlinkSync(path.join(dir, 'outside-file.bin'), path.join(tmp, 'file-link'));
    const result = await cli(dir, ['cleanup', '--yes', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const data = parseJson(result.stdout);
    const names = (items: { what: string }[]) => items.map((i) => path.relative(tmp, i.what));
    expect(names(data.planned)).toEqual([path.join('cache', 'ancient.bin'), 'a.bin', 'b.bin']);
    expect(names(data.removed)).toEqual(names(data.planned));
    expect(data.freedBytes).toBe(3 * MB);
    expect(data.failed).toEqual([]);
    expect(readdirSync(tmp).sort()).toEqual(['c.bin', 'd.bin', 'dir-link', 'file-link']);
    expect(existsSync(path.join(dir, 'outside', 'precious.bin'))).toBe(true);
    expect(existsSync(path.join(dir, 'outside-file.bin'))).toBe(true);
    expect(data.notes.join('\n')).toContain('dir-link alone');
    const history = readFileSync(path.join(dir, '.opsctl', 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ type: 'cleanup', result: 'success', details: { removed: { temp: 3 }, bytesFreed: 3 * MB } });
  });

  it('a configured root that is a link to elsewhere is refused: exit 2, the target untouched', async () => {
    const dir = app({ temp: [{ path: 'tmp', maxAgeDays: 1 }] });
    aged(path.join(dir, 'real-tmp', 'old.bin'), 10);
    symlinkSync(path.join(dir, 'real-tmp'), path.join(dir, 'tmp'));
    const result = await cli(dir, ['cleanup', '--yes']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/cleanup\.temp\[0\]\.path: .* is a symbolic link to .*real-tmp/);
    expect(existsSync(path.join(dir, 'real-tmp', 'old.bin'))).toBe(true);
  });

  it('backups: removes the sets the retention drops and never the newest', async () => {
    const dir = app({ backups: true }, { backup: { files: ['data.txt'], retention: { maxAgeDays: 1 } } });
    writeFileSync(path.join(dir, 'data.txt'), 'v1\n');
    const first = await cli(dir, ['backup']);
    expect(first.exitCode, first.stderr).toBe(0);
    const [only] = readdirSync(path.join(dir, 'backups'));
    // Age the only set: retention would drop it by age, but it is the newest and stays.
    const manifest = path.join(dir, 'backups', only!, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), createdAt: new Date(Date.now() - 5 * DAY).toISOString() }));
    const alone = parseJson((await cli(dir, ['cleanup', '--yes', '--json', '--only', 'backups'])).stdout);
    expect(alone.planned).toEqual([]);
    expect(existsSync(path.join(dir, 'backups', only!))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await cli(dir, ['backup'])).exitCode).toBe(0);
    const result = await cli(dir, ['cleanup', '--yes', '--json', '--only', 'backups']);
    expect(result.exitCode, result.stderr).toBe(0);
    const data = parseJson(result.stdout);
    expect(data.removed.map((r: { what: string }) => path.basename(r.what))).toEqual([only]);
    expect(data.removed[0].bytes).toBeGreaterThan(0);
    expect(readdirSync(path.join(dir, 'backups'))).toHaveLength(1);
  });

  it('pm2 logs over maxSizeMB are truncated to zero; other apps\' logs are left alone', async () => {
    const dir = app({ pm2Logs: { maxSizeMB: 1 } });
    const pm2Home = path.join(dir, 'pm2-home');
    const logs = path.join(pm2Home, 'logs');
    aged(path.join(logs, 'tidy-out.log'), 0, 2 * MB);
    aged(path.join(logs, 'tidy-error.log'), 0, 1000);
    aged(path.join(logs, 'other-out.log'), 0, 3 * MB);
    const result = await cli(dir, ['cleanup', '--yes', '--json'], { PM2_HOME: pm2Home });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout).removed).toEqual([{ kind: 'pm2-logs', what: path.join(logs, 'tidy-out.log'), bytes: 2 * MB }]);
    expect(statSync(path.join(logs, 'tidy-out.log')).size).toBe(0);
    expect(statSync(path.join(logs, 'tidy-error.log')).size).toBe(1000);
    expect(statSync(path.join(logs, 'other-out.log')).size).toBe(3 * MB);
  });

  it('nothing to do: exit 0; an unknown --only kind: exit 2', async () => {
    const dir = app({ temp: [{ path: 'tmp', maxAgeDays: 7 }] });
    const nothing = await cli(dir, ['cleanup']);
    expect(nothing.exitCode, nothing.stderr).toBe(0);
    expect(nothing.stdout).toContain('Nothing to clean up.');
    expect((await cli(dir, ['cleanup', '--only', 'images'])).exitCode).toBe(2);
  });
});

describe.skipIf(!requireTool('byte-file-names', probeByteNames))('cleanup of files whose names are not UTF-8 (real files, names as raw bytes)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);
  afterAll(() => removeTempDirs());
  const cli = (dir: string, args: string[]) => runCli(['-e', 'production', ...args], { cwd: dir, env: cleanEnv() });

  it('finds and removes them like any other, and prints the odd bytes escaped', async () => {
    const dir = makeTempDir('cleanup-bytes');
    writeConfig(dir, { version: 1, app: 'tidy', environments: { production: { target: { pm2: { name: 'tidy', script: 'app.js' } }, cleanup: { temp: [{ path: 'tmp', maxAgeDays: 7 }] } } } });
    const tmp = path.join(dir, 'tmp');
    const rawTmp = Buffer.from(`${tmp}${path.sep}`);
    const oldDir = Buffer.concat([rawTmp, CAFE_LATIN1]);
    mkdirSync(oldDir, { recursive: true });
    const oldFile = Buffer.concat([oldDir, Buffer.from(path.sep), CAFE_LATIN1, Buffer.from('.txt')]);
    const freshFile = Buffer.concat([rawTmp, CAFE_LATIN1, Buffer.from('-fresh.txt')]);
    for (const [file, days] of [[oldFile, 10], [freshFile, 1]] as const) {
      writeFileSync(file, 'data\n');
      const when = (Date.now() - days * DAY) / 1000;
      utimesSync(file, when, when);
    }
    const shown = path.join(tmp, 'caf\\xe9', 'caf\\xe9.txt');
    const dry = await cli(dir, ['cleanup', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(shown);
    const result = await cli(dir, ['cleanup', '--yes', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout).removed).toEqual([{ kind: 'temp', what: shown, bytes: 5 }]);
    expect(existsSync(oldFile)).toBe(false);
    expect(existsSync(oldDir)).toBe(false);
    expect(existsSync(freshFile)).toBe(true);
  });
});

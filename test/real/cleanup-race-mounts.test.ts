import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseMountInfo } from '../../src/cleanup/mount-points.js';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { requireTool, type Probe } from '../support/real-tools.js';

const DAY = 86_400_000;

/** A bind mount can be made and undone (root on Linux): the same device as its parent, so only the mount table tells it apart. */
const probeBindMount: Probe = () => {
  if (process.platform !== 'linux') return 'bind mounts are Linux-only';
  if (process.getuid?.() !== 0) return 'mount --bind needs root';
  const dir = makeTempDir('bind-probe');
  mkdirSync(path.join(dir, 'from'));
  mkdirSync(path.join(dir, 'to'));
  const mounted = spawnSync('mount', ['--bind', path.join(dir, 'from'), path.join(dir, 'to')], { encoding: 'utf8' });
  if (mounted.status !== 0) return `mount --bind failed: ${(mounted.stderr || mounted.error?.message || '').trim()}`;
  spawnSync('umount', [path.join(dir, 'to')]);
  return undefined;
};

function aged(file: string, days: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'data\n');
  const when = (Date.now() - days * DAY) / 1000;
  utimesSync(file, when, when);
}

describe.skipIf(!requireTool('bind-mount', probeBindMount))('cleanup temp next to bind mounts of outside folders and files (real mounts, as root)', () => {
  const made: string[] = [];
  const appDir = () => {
    const dir = realpathSync(makeTempDir('cleanup-mounts'));
    made.push(dir);
    return dir;
  };
  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);
  // Every mount below the test folders (wherever a rename moved it) is undone after each test, failed or
  // not: removing the temp folders would otherwise go through it.
  afterEach(() => {
    const points = parseMountInfo(readFileSync('/proc/self/mountinfo')).map(String);
    for (const point of points.filter((p) => made.some((dir) => p.startsWith(dir + path.sep))).reverse()) spawnSync('umount', [point]);
  });
  afterAll(() => removeTempDirs());

  function bind(from: string, to: string): void {
    const result = spawnSync('mount', ['--bind', from, to], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`mount --bind ${from} ${to} failed: ${result.stderr}`);
  }

  it('does not enter a bind-mounted folder nor touch a bind-mounted file; says so; the rest is cleaned', async () => {
    const dir = appDir();
    writeConfig(dir, { version: 1, app: 'tidy', environments: { production: { target: { pm2: { name: 'tidy', script: 'app.js' } }, cleanup: { temp: [{ path: 'tmp', maxAgeDays: 1 }] } } } });
    const tmp = path.join(dir, 'tmp');
    const outside = path.join(dir, 'outside');
    aged(path.join(outside, 'precious.txt'), 10);
    aged(path.join(outside, 'deep', 'precious.txt'), 10);
    aged(path.join(dir, 'outside-file.txt'), 10);
    aged(path.join(tmp, 'old.txt'), 10);
    mkdirSync(path.join(tmp, 'bound'));
    bind(outside, path.join(tmp, 'bound'));
    aged(path.join(tmp, 'bound-file.txt'), 10);
    bind(path.join(dir, 'outside-file.txt'), path.join(tmp, 'bound-file.txt'));

    const result = await runCli(['-e', 'production', 'cleanup', '--yes', '--json'], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode, result.stderr).toBe(0);
    const data = parseJson(result.stdout);
    expect(data.removed.map((r: { what: string }) => r.what)).toEqual([path.join(tmp, 'old.txt')]);
    expect(data.failed).toEqual([]);
    const notes = data.notes.join('\n');
    expect(notes).toContain(`did not enter ${path.join(tmp, 'bound')}: a mount point`);
    expect(notes).toContain(`did not enter ${path.join(tmp, 'bound-file.txt')}: a mount point`);
    expect(readdirSync(outside).sort()).toEqual(['deep', 'precious.txt']);
    expect(existsSync(path.join(outside, 'deep', 'precious.txt'))).toBe(true);
    expect(existsSync(path.join(dir, 'outside-file.txt'))).toBe(true);
  });

  it('backups: a set holding a bind mount of an outside folder is refused (exit 1) and stays whole; the outside files stay', async () => {
    const dir = appDir();
    writeConfig(dir, { version: 1, app: 'tidy', environments: { production: { target: { pm2: { name: 'tidy', script: 'app.js' } }, backup: { files: ['data.txt'], retention: { maxAgeDays: 1 } }, cleanup: { backups: true } } } });
    writeFileSync(path.join(dir, 'data.txt'), 'v1\n');
    const cli = (args: string[]) => runCli(['-e', 'production', ...args], { cwd: dir, env: cleanEnv() });
    expect((await cli(['backup'])).exitCode).toBe(0);
    const [old] = readdirSync(path.join(dir, 'backups'));
    const manifest = path.join(dir, 'backups', old!, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), createdAt: new Date(Date.now() - 5 * DAY).toISOString() }));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await cli(['backup'])).exitCode).toBe(0);
    const outside = path.join(dir, 'outside');
    aged(path.join(outside, 'precious.txt'), 10);
    mkdirSync(path.join(dir, 'backups', old!, 'bound'));
    bind(outside, path.join(dir, 'backups', old!, 'bound'));

    const result = await cli(['cleanup', '--yes', '--json', '--only', 'backups']);
    expect(result.exitCode, result.stderr).toBe(1);
    const data = parseJson(result.stdout);
    expect(data.removed).toEqual([]);
    expect(data.failed).toEqual([{ kind: 'backups', what: path.join(dir, 'backups', old!), error: expect.stringContaining('holds a mount point') }]);
    expect(readdirSync(outside)).toEqual(['precious.txt']);
    expect(existsSync(manifest)).toBe(true);
  });
});

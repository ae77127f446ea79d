import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
  const mounted: string[] = [];
  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);
  // Unmounted after every test, failed or not: removing the temp folders would otherwise empty the outside ones.
  afterEach(() => {
    for (const point of mounted.splice(0).reverse()) spawnSync('umount', [point]);
  });
  afterAll(() => removeTempDirs());

  function bind(from: string, to: string): void {
    const result = spawnSync('mount', ['--bind', from, to], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`mount --bind ${from} ${to} failed: ${result.stderr}`);
    mounted.push(to);
  }

  it('does not enter a bind-mounted folder nor touch a bind-mounted file; says so; the rest is cleaned', async () => {
    const dir = makeTempDir('cleanup-mounts');
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
});

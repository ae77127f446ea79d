// Lock files that are not what a live opsctl wrote: not a lock at all (null, 0, {}, []), 300 MB of
// zeros, or naming a live process that is not the holder (its pid reused). The built CLI and real
// processes; the locked command is a files-only backup, which needs no tool besides opsctl.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processStartTime } from '../../src/process/start-time.js';
import { DIST, ensureBuilt, parseJson, removeTempDirs } from '../support/real-cli.js';
import { filesBackupApp, type FilesApp } from '../support/files-app.js';

const children: ChildProcess[] = [];

beforeAll(ensureBuilt, 120_000);
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  removeTempDirs();
});

function app(): FilesApp & { lock: string } {
  const files = filesBackupApp('lock-invalid');
  const lock = path.join(files.stateDir, 'locks', 'production.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  return { ...files, lock };
}

/** Dates the file `ms` back (or ahead, to keep an invalid lock inside its grace however slow the machine). */
function age(file: string, ms = 60_000): void {
  const then = new Date(Date.now() - ms);
  utimesSync(file, then, then);
}

/** A live process that is not opsctl. */
async function unrelated(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  await once(child, 'spawn');
  return child;
}

const holder = (pid: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ environment: 'production', pid, host: os.hostname(), user: 'ci', command: 'opsctl deploy', startedAt: '2026-01-01T00:00:00.000Z', ...extra });

describe('lock files that are not a valid lock (built CLI)', () => {
  it.each(['null', '0', '{}', '[]'])('holding %s: exit 4 saying so while fresh, lock status shows it, --force removes it', async (body) => {
    const { lock, cli } = app();
    writeFileSync(lock, body);
    age(lock, -600_000);
    const refused = await cli('backup');
    expect(refused.exitCode).toBe(4);
    expect(refused.stderr).toContain('production is locked by a lock file that is not a valid opsctl lock');
    expect(refused.stderr).toContain('opsctl lock release --force');
    expect(refused.stderr).not.toMatch(/undefined|keep taking it/);
    const status = await cli('lock', 'status', '--json');
    expect(parseJson(status.stdout).lock).toMatchObject({ stale: false, invalid: expect.stringContaining('not a holder') });
    expect((await cli('lock', 'status')).stdout).toContain('not a valid lock');
    expect((await cli('status')).stdout).toMatch(/lock\s+an invalid lock file \(it holds/);
    const forced = await cli('lock', 'release', '--force');
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('Removed the lock file of production, which was not a valid lock.');
    expect(existsSync(lock)).toBe(false);
    expect((await cli('backup')).exitCode).toBe(0);
  }, 240_000);

  it('an invalid lock file a minute old is reclaimed by the next locked command', async () => {
    const { lock, cli } = app();
    writeFileSync(lock, 'null');
    age(lock);
    const backup = await cli('backup');
    expect(backup.exitCode, backup.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
  }, 240_000);

  it('a 300 MB lock file is judged from its first 64 KiB: memory stays flat, and --force removes it', async () => {
    const { lock, cli } = app();
    writeFileSync(lock, holder(process.pid));
    const small = await peakRss(lock);
    truncateSync(lock, 300 * 1024 * 1024);
    const huge = await peakRss(lock);
    expect(huge.state).toMatchObject({ invalid: 'it is larger than 64 KiB', stale: false });
    // Reading it whole would add 300 MB; the baseline is the same script on a small lock.
    expect(huge.maxRssKb - small.maxRssKb).toBeLessThan(64 * 1024);
    expect((await cli('lock', 'release', '--force')).exitCode).toBe(0);
    expect(existsSync(lock)).toBe(false);
  }, 240_000);
});

/** readLock through the built module in its own process, with that process's peak memory. */
async function peakRss(lock: string): Promise<{ state: unknown; maxRssKb: number }> {
  const module = pathToFileURL(path.join(DIST, 'history', 'lock.js')).href;
  const script = `const { readLock } = await import(${JSON.stringify(module)});
const state = await readLock(process.argv[1], 'production');
process.stdout.write(JSON.stringify({ state, maxRssKb: process.resourceUsage().maxRSS }));`;
  const result = await execa(process.execPath, ['--input-type=module', '-e', script, path.dirname(path.dirname(lock))]);
  return JSON.parse(result.stdout) as { state: unknown; maxRssKb: number };
}

describe('a lock naming a live process that is not its holder (pid reuse; built CLI, real processes)', () => {
  it('the pid runs but started at another time: the lock is stale and the next command takes it', async () => {
    const { lock, cli } = app();
    const other = await unrelated();
    const start = await processStartTime(other.pid!);
    // Where the start cannot be told (Windows), the pid alone decides: held.
    const tellable = start !== undefined;
    writeFileSync(lock, holder(other.pid!, { processStart: `${start ?? 'x'}-an-earlier-boot` }));
    expect(parseJson((await cli('lock', 'status', '--json')).stdout).lock).toMatchObject({ stale: tellable, holder: { pid: other.pid } });
    const backup = await cli('backup');
    expect(backup.exitCode, backup.stderr).toBe(tellable ? 0 : 4);
  }, 240_000);

  it('the same pid and start: held (exit 4), and a lock from before the start was recorded is judged by pid alone', async () => {
    const { lock, cli } = app();
    const other = await unrelated();
    writeFileSync(lock, holder(other.pid!, { processStart: await processStartTime(other.pid!) }));
    const held = await cli('backup');
    expect(held.exitCode).toBe(4);
    expect(held.stderr).toContain(`production is locked by "opsctl deploy" (pid ${other.pid}`);
    writeFileSync(lock, holder(other.pid!));
    expect((await cli('backup')).exitCode).toBe(4);
    other.kill('SIGKILL');
    await once(other, 'exit');
    const taken = await cli('backup');
    expect(taken.exitCode, taken.stderr).toBe(0);
  }, 240_000);

  it('a lock taken by the built CLI records its holder\'s process start', async () => {
    const { lock, cli } = app();
    const script = `const { acquireLock } = await import(${JSON.stringify(pathToFileURL(path.join(DIST, 'history', 'lock.js')).href)});
const held = await acquireLock(process.argv[1], 'production', 'hold');
process.stdout.write(JSON.stringify(held.info) + '\\n');
setInterval(() => {}, 1000);`;
    const taker = spawn(process.execPath, ['--input-type=module', '-e', script, path.dirname(path.dirname(lock))], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(taker);
    const [line] = (await once(taker.stdout!, 'data')) as [Buffer];
    const info = JSON.parse(String(line)) as { pid: number; processStart?: string };
    expect(info.processStart).toBe(await processStartTime(taker.pid!));
    expect((await cli('backup')).exitCode).toBe(4);
    taker.kill('SIGKILL');
    await once(taker, 'exit');
  }, 240_000);
});

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LockedError } from '../../../src/errors.js';
import { acquireLock, forceRemoveLock, lockPath, readLock } from '../../../src/history/lock.js';
import type { LockInfo } from '../../../src/history/lock-file.js';
import { processStartTime } from '../../../src/process/start-time.js';
import { caught, tempDir } from '../helpers.js';

/** A lock file dated `ageMs` back; by default ahead, so it stays inside the grace however slow the machine. */
function lockFile(dir: string, body: string, ageMs = -600_000): string {
  const file = lockPath(dir, 'production');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, body);
  const then = new Date(Date.now() - ageMs);
  utimesSync(file, then, then);
  return file;
}

const holder = (extra: Partial<LockInfo>): string =>
  JSON.stringify({ environment: 'production', pid: process.pid, host: os.hostname(), user: 'alice', command: 'deploy', startedAt: '2026-11-23T00:00:00.000Z', ...extra });

describe('a lock file that is not a valid lock', () => {
  it.each(['null', '0', '{}', '[]', '{"pid":"12"}'])('holding %s: locked while fresh (naming the problem), then reclaimed', async (body) => {
    const dir = tempDir();
    lockFile(dir, body);
    const state = await readLock(dir, 'production');
    expect(state).toMatchObject({ stale: false, invalid: expect.stringContaining('not a holder') });
    const refused = await caught(acquireLock(dir, 'production', 'backup'));
    expect(refused).toBeInstanceOf(LockedError);
    expect((refused as LockedError).message).toMatch(/^production is locked by a lock file that is not a valid opsctl lock \(it holds/);
    expect((refused as LockedError).message).not.toContain('undefined');
    expect((refused as LockedError).hint).toContain('opsctl lock release --force');
    lockFile(dir, body, 60_000);
    expect((await readLock(dir, 'production'))!.stale).toBe(true);
    const lock = await acquireLock(dir, 'production', 'backup');
    expect(lock.reclaimed).toMatchObject({ pid: -1, command: 'unknown' });
    await lock.release();
  });

  it('--force removes it at once, fresh as it is', async () => {
    const dir = tempDir();
    const file = lockFile(dir, 'null');
    expect(await forceRemoveLock(dir, 'production')).toMatchObject({ pid: -1 });
    expect(existsSync(file)).toBe(false);
  });

  it('a 300 MB file is judged by its first 64 KiB, not read whole', async () => {
    const dir = tempDir();
    const file = lockFile(dir, holder({}));
    truncateSync(file, 300 * 1024 * 1024);
    expect(await readLock(dir, 'production')).toMatchObject({ invalid: 'it is larger than 64 KiB', stale: false });
    utimesSync(file, new Date(0), new Date(0));
    await (await acquireLock(dir, 'production', 'backup')).release();
  });
});

describe('a holder is its pid and its process start', () => {
  /** A live process that is not opsctl, ended when the test ends. */
  function unrelated(): number {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    onTestFinished(() => void child.kill('SIGKILL'));
    return child.pid!;
  }

  it('a live pid that started at another time is a reused pid: the lock is stale and reclaimed', async () => {
    const dir = tempDir();
    const pid = unrelated();
    lockFile(dir, holder({ pid, processStart: 'linux:another-boot:12' }));
    // Where the start cannot be told (Windows), the pid alone decides: alive, so held.
    const tellable = (await processStartTime(pid)) !== undefined;
    expect((await readLock(dir, 'production'))!.stale).toBe(tellable);
    if (!tellable) return;
    const lock = await acquireLock(dir, 'production', 'deploy');
    expect(lock.reclaimed).toMatchObject({ pid });
    await lock.release();
  });

  it('the same pid and start: held', async () => {
    const dir = tempDir();
    const pid = unrelated();
    lockFile(dir, holder({ pid, processStart: await processStartTime(pid) }));
    expect((await readLock(dir, 'production'))!.stale).toBe(false);
    await expect(acquireLock(dir, 'production', 'deploy')).rejects.toBeInstanceOf(LockedError);
  });

  it('an older lock without a start is judged by its pid alone, as before', async () => {
    const dir = tempDir();
    lockFile(dir, holder({ pid: unrelated() }));
    expect((await readLock(dir, 'production'))!.stale).toBe(false);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    lockFile(dir, holder({ pid: dead }));
    expect((await readLock(dir, 'production'))!.stale).toBe(true);
  });
});

describe('the lock on a state folder that cannot take it', () => {
  it('a file where the locks folder should be: a typed error naming it, exit 1, no temp file left', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'locks'), 'not a folder');
    const error = await caught(acquireLock(dir, 'production', 'deploy'));
    expect(error).toMatchObject({ exitCode: 1, message: `Could not create the lock folder (${path.join(dir, 'locks')}): a file is in the way of a folder.` });
    expect(readdirSync(dir)).toEqual(['locks']);
  });

  it('a folder where the lock file should be: a typed error, not "keep taking it"', async () => {
    const dir = tempDir();
    mkdirSync(lockPath(dir, 'production'), { recursive: true });
    const error = await caught(acquireLock(dir, 'production', 'deploy'));
    expect(error).toMatchObject({ exitCode: 1, message: `Could not read the lock file (${lockPath(dir, 'production')}): a folder is in the way of a file.` });
    expect(readdirSync(path.dirname(lockPath(dir, 'production')))).toEqual(['production.lock']);
  });
});

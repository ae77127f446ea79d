import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockedError } from '../../../src/errors.js';
import { currentIdentity } from '../../../src/history/identity.js';
import { processStartTime } from '../../../src/process/start-time.js';
import { acquireLock, forceRemoveLock, lockPath, readLock, reclaimStaleLock, withLock } from '../../../src/history/lock.js';
import type { LockInfo } from '../../../src/history/lock-file.js';
import { caught, tempDir } from '../helpers.js';

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

function writeLock(stateDir: string, environment: string, info: Partial<LockInfo>): LockInfo {
  const full: LockInfo = { environment, pid: process.pid, host: os.hostname(), user: 'alice', command: 'deploy --ref v2', startedAt: '2026-11-23T00:00:00.000Z', ...info };
  mkdirSync(path.dirname(lockPath(stateDir, environment)), { recursive: true });
  writeFileSync(lockPath(stateDir, environment), `${JSON.stringify(full)}\n`);
  return full;
}

describe('acquireLock', () => {
  it('writes who holds the lock, for what, since when', async () => {
    const dir = tempDir();
    const before = Date.now();
    const lock = await acquireLock(dir, 'production', 'deploy --ref main');
    const onDisk = JSON.parse(readFileSync(lockPath(dir, 'production'), 'utf8')) as LockInfo;
    const { user, host, pid } = currentIdentity();
    // processStart tells this process from a later one given the same pid (undefined where the platform cannot tell).
    expect(onDisk).toEqual({ environment: 'production', pid, host, user, command: 'deploy --ref main', startedAt: expect.any(String), processStart: await processStartTime(pid) });
    expect(Date.parse(onDisk.startedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(lock.info).toEqual(onDisk);
    expect(lock.reclaimed).toBeUndefined();
    await lock.release();
  });

  it('refuses while a live process holds it: LockedError, exit 4, naming the holder', async () => {
    const dir = tempDir();
    const held = await acquireLock(dir, 'production', 'deploy --ref main');
    const error = await caught(acquireLock(dir, 'production', 'rollback'));
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).exitCode).toBe(4);
    expect((error as LockedError).message).toBe(
      `production is locked by "deploy --ref main" (pid ${process.pid}, ${held.info.user}@${held.info.host}, since ${held.info.startedAt}).`,
    );
    await held.release();
  });

  it('locks each environment separately', async () => {
    const dir = tempDir();
    const production = await acquireLock(dir, 'production', 'deploy');
    const staging = await acquireLock(dir, 'staging', 'deploy');
    expect(existsSync(lockPath(dir, 'production')) && existsSync(lockPath(dir, 'staging'))).toBe(true);
    await Promise.all([production.release(), staging.release()]);
  });

  it('reclaims a lock whose holder died on this host, and says what it reclaimed', async () => {
    const dir = tempDir();
    const dead = writeLock(dir, 'production', { pid: deadPid() });
    expect(await readLock(dir, 'production')).toEqual({ holder: dead, stale: true });
    const lock = await acquireLock(dir, 'production', 'deploy');
    expect(lock.reclaimed).toEqual(dead);
    expect((JSON.parse(readFileSync(lockPath(dir, 'production'), 'utf8')) as LockInfo).pid).toBe(process.pid);
    await lock.release();
  });

  it('does not reclaim a lock held from another host, whose pid it cannot check', async () => {
    const dir = tempDir();
    writeLock(dir, 'production', { pid: deadPid(), host: 'build-agent-7' });
    expect((await readLock(dir, 'production'))!.stale).toBe(false);
    await expect(acquireLock(dir, 'production', 'deploy')).rejects.toThrow(/locked by "deploy --ref v2" \(pid \d+, alice@build-agent-7/);
  });

  it('treats an unreadable lock file younger than the grace period as held', async () => {
    const dir = tempDir();
    mkdirSync(path.dirname(lockPath(dir, 'production')), { recursive: true });
    writeFileSync(lockPath(dir, 'production'), '{"environment":"produ');
    await expect(acquireLock(dir, 'production', 'deploy')).rejects.toBeInstanceOf(LockedError);
    expect(existsSync(lockPath(dir, 'production'))).toBe(true);
  });

  it('reclaims an unreadable lock file once the grace period has passed', async () => {
    const dir = tempDir();
    const file = lockPath(dir, 'production');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'garbage');
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(file, longAgo, longAgo);
    const lock = await acquireLock(dir, 'production', 'deploy');
    expect(lock.info.pid).toBe(process.pid);
    await lock.release();
  });
});

describe('release and withLock', () => {
  it('release removes the lock file', async () => {
    const dir = tempDir();
    const lock = await acquireLock(dir, 'production', 'deploy');
    await lock.release();
    expect(existsSync(lockPath(dir, 'production'))).toBe(false);
    expect(await readLock(dir, 'production')).toBeUndefined();
  });

  it('withLock holds the lock during the work and releases it after', async () => {
    const dir = tempDir();
    const seen = await withLock(dir, 'production', 'scale 4', async (lock) => (await readLock(dir, 'production'))!.holder.command + ` by ${lock.info.pid}`);
    expect(seen).toBe(`scale 4 by ${process.pid}`);
    expect(existsSync(lockPath(dir, 'production'))).toBe(false);
  });

  it('withLock releases the lock when the work fails, and rethrows', async () => {
    const dir = tempDir();
    const failure = new Error('health gate failed');
    await expect(withLock(dir, 'production', 'deploy', () => Promise.reject(failure))).rejects.toBe(failure);
    expect(existsSync(lockPath(dir, 'production'))).toBe(false);
    await (await acquireLock(dir, 'production', 'deploy again')).release();
  });

  it('release leaves alone a lock that was force-released and taken by someone else meanwhile', async () => {
    const dir = tempDir();
    const mine = await acquireLock(dir, 'production', 'deploy');
    await forceRemoveLock(dir, 'production');
    const theirs = writeLock(dir, 'production', { pid: process.pid, startedAt: '2026-11-23T01:00:00.000Z', command: 'backup' });
    await mine.release();
    expect(JSON.parse(readFileSync(lockPath(dir, 'production'), 'utf8'))).toEqual(theirs);
  });
});

describe('reclaimStaleLock', () => {
  it('does not delete a lock that another process took after this one judged it stale', async () => {
    const dir = tempDir();
    const judged = writeLock(dir, 'prod', { pid: deadPid(), startedAt: '2026-11-23T00:00:00.000Z' });
    // Meanwhile a faster process reclaimed it and now holds it.
    const fresh = writeLock(dir, 'prod', { pid: process.pid, startedAt: '2026-11-23T00:00:01.000Z' });
    expect(await reclaimStaleLock(lockPath(dir, 'prod'), judged)).toBeUndefined();
    expect(JSON.parse(readFileSync(lockPath(dir, 'prod'), 'utf8'))).toEqual(fresh);
  });

  it('waits its turn while another process is reclaiming (its .reclaim file is there)', async () => {
    const dir = tempDir();
    const judged = writeLock(dir, 'prod', { pid: deadPid() });
    writeFileSync(`${lockPath(dir, 'prod')}.reclaim`, '12345');
    expect(await reclaimStaleLock(lockPath(dir, 'prod'), judged)).toBeUndefined();
    expect(existsSync(lockPath(dir, 'prod'))).toBe(true);
  });

  it('removes the stale lock it judged, and says so', async () => {
    const dir = tempDir();
    const judged = writeLock(dir, 'prod', { pid: deadPid() });
    expect(await reclaimStaleLock(lockPath(dir, 'prod'), judged)).toEqual(judged);
    expect(existsSync(lockPath(dir, 'prod'))).toBe(false);
    expect(existsSync(`${lockPath(dir, 'prod')}.reclaim`)).toBe(false);
  });
});


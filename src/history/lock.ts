import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockedError } from '../errors.js';
import { registerCleanup } from '../process/cleanup.js';
import { isProcessAlive } from '../process/alive.js';
import { currentIdentity } from './identity.js';
import { createExclusive, isOlderThan, readLockFile, removeIfOwned, removeIfOwnedSync, sameHolder, UNREADABLE, type LockInfo } from './lock-file.js';

export type { LockInfo } from './lock-file.js';

export interface LockState {
  holder: LockInfo;
  /** The holder runs on this host and its pid is gone: the next acquire reclaims it. */
  stale: boolean;
}

export interface HeldLock {
  info: LockInfo;
  reclaimed?: LockInfo;
  release(): Promise<void>;
}

const UNREADABLE_GRACE_MS = 5000;
const RECLAIM_GRACE_MS = 10_000;
const ATTEMPTS = 50;

export function lockPath(stateDir: string, environment: string): string {
  return path.join(stateDir, 'locks', `${environment}.lock`);
}

export async function readLock(stateDir: string, environment: string): Promise<LockState | undefined> {
  const file = lockPath(stateDir, environment);
  const holder = await readLockFile(file);
  if (!holder) return undefined;
  if (holder.pid === UNREADABLE) return { holder, stale: await isOlderThan(file, UNREADABLE_GRACE_MS) };
  return { holder, stale: holder.host === currentIdentity().host && !isProcessAlive(holder.pid) };
}

/** Takes the environment's lock or throws LockedError naming the holder; a dead holder's lock is reclaimed. */
export async function acquireLock(stateDir: string, environment: string, command: string): Promise<HeldLock> {
  const file = lockPath(stateDir, environment);
  await mkdir(path.dirname(file), { recursive: true });
  const { user, host, pid } = currentIdentity();
  const info: LockInfo = { environment, pid, host, user, command, startedAt: new Date().toISOString() };
  let reclaimed: LockInfo | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    if (await createExclusive(file, info)) return held(file, info, reclaimed);
    const state = await readLock(stateDir, environment);
    if (state && !state.stale) throw lockedBy(state.holder);
    if (state) reclaimed = (await reclaimStaleLock(file, state.holder)) ?? reclaimed;
  }
  throw new LockedError(`Could not take the lock for ${environment}: other opsctl processes keep taking it.`, 'Try again in a moment.');
}

function held(file: string, info: LockInfo, reclaimed: LockInfo | undefined): HeldLock {
  const unregister = registerCleanup(() => removeIfOwnedSync(file, info));
  return {
    info,
    reclaimed,
    async release() {
      unregister();
      await removeIfOwned(file, info);
    },
  };
}

/**
 * Removes a stale lock, one reclaimer at a time (a `.reclaim` file taken exclusively): without it, a
 * slow reclaimer could delete the fresh lock that a faster one just took. Returns what it removed.
 */
export async function reclaimStaleLock(file: string, stale: LockInfo): Promise<LockInfo | undefined> {
  const mutex = `${file}.reclaim`;
  try {
    await writeFile(mutex, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A reclaimer that died mid-way leaves its mutex behind: it expires.
    if (await isOlderThan(mutex, RECLAIM_GRACE_MS)) await unlink(mutex).catch(() => undefined);
    await sleep(20 + Math.random() * 30);
    return undefined;
  }
  try {
    if (!sameHolder(await readLockFile(file), stale)) return undefined;
    await unlink(file).catch(() => undefined);
    return stale;
  } finally {
    await unlink(mutex).catch(() => undefined);
  }
}

export async function withLock<T>(stateDir: string, environment: string, command: string, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(stateDir, environment, command);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}

export function lockedBy(holder: LockInfo): LockedError {
  return new LockedError(
    `${holder.environment} is locked by "${holder.command}" (pid ${holder.pid}, ${holder.user}@${holder.host}, since ${holder.startedAt}).`,
    'Wait for it to finish. If that process is gone on another host, release the lock with: opsctl lock release --force',
    { holder },
  );
}

/** Removes the environment's lock whoever holds it; returns what it removed. For `lock release --force`. */
export async function forceRemoveLock(stateDir: string, environment: string): Promise<LockInfo | undefined> {
  const file = lockPath(stateDir, environment);
  const holder = await readLockFile(file);
  if (holder) await unlink(file).catch(() => undefined);
  return holder;
}

import { mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import path from 'node:path';
import { LockedError } from '../errors.js';
import { registerCleanup } from '../process/cleanup.js';
import { currentIdentity, isProcessAlive } from './identity.js';

export interface LockInfo {
  environment: string;
  pid: number;
  host: string;
  user: string;
  command: string;
  startedAt: string;
}

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
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await writeFile(file, `${JSON.stringify(info)}\n`, { flag: 'wx' });
      const unregister = registerCleanup(() => unlinkSync(file));
      return {
        info,
        reclaimed,
        async release() {
          unregister();
          await unlink(file).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const state = await readLock(stateDir, environment);
    if (state && !state.stale) throw lockedBy(state.holder);
    // Dead holder (or a lock file removed meanwhile): remove what we judged stale and try again.
    reclaimed = state?.holder;
    if (state) await removeIfUnchanged(file, state.holder);
  }
  throw new LockedError(`Could not take the lock for ${environment}: another opsctl keeps taking it.`, 'Try again in a moment.');
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

async function readLockFile(file: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockInfo;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Being written this instant, or corrupt: readLock lets a grace period pass before reclaiming it.
    return { environment: path.basename(file, '.lock'), pid: UNREADABLE, host: 'unknown', user: 'unknown', command: 'unknown', startedAt: 'unknown' };
  }
}

const UNREADABLE = -1;
const UNREADABLE_GRACE_MS = 5000;

async function isOlderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return !info || Date.now() - info.mtimeMs > ms;
}

async function removeIfUnchanged(file: string, judged: LockInfo): Promise<void> {
  const now = await readLockFile(file);
  if (now && now.pid === judged.pid && now.startedAt === judged.startedAt) await unlink(file).catch(() => undefined);
}

/** Removes the environment's lock whoever holds it; returns what it removed. For `lock release --force`. */
export async function forceRemoveLock(stateDir: string, environment: string): Promise<LockInfo | undefined> {
  const file = lockPath(stateDir, environment);
  const holder = await readLockFile(file);
  if (holder) await unlink(file).catch(() => undefined);
  return holder;
}

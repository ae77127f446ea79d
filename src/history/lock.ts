import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockedError } from '../errors.js';
import { registerCleanup } from '../process/cleanup.js';
import { isProcessAlive } from '../process/alive.js';
import { ownStartTime, processStartTime } from '../process/start-time.js';
import { currentIdentity } from './identity.js';
import { createExclusive, isOlderThan, readLockFile, removeIfOwned, removeIfOwnedSync, sameHolder, writeNew, type LockInfo } from './lock-file.js';
import { inStateDir, folderFileError } from '../process/fs-error.js';
import { abortReason, delay } from '../process/delay.js';
import { formatDuration } from '../config/duration.js';

export interface LockState {
  holder: LockInfo;
  /** The holder runs on this host and its process is gone (or the file is an old invalid one): the next acquire reclaims it. */
  stale: boolean;
  /** Why the file is not a valid lock (null, {}, not JSON, too large); the holder's fields are then placeholders. */
  invalid?: string;
}

export interface HeldLock {
  info: LockInfo;
  reclaimed?: LockInfo;
  release(): Promise<void>;
}

const UNREADABLE_GRACE_MS = 5000;
const RECLAIM_GRACE_MS = 10_000;
const ATTEMPTS = 50;
const WAIT_POLL_MS = 500;

/**
 * How this run waits for a held lock (`--lock-wait`): one policy per CLI run, like its deadline, so
 * every command that locks honours it without each one passing it along. Unset: a held lock is exit 4 at once.
 */
export interface LockWait {
  ms: number;
  /** The run's abort signal: Ctrl-C and --timeout end the wait. */
  signal: AbortSignal;
  /** Said once, when the wait starts: who holds the lock. */
  onWait(error: LockedError): void;
}

let lockWait: LockWait | undefined;

export function setLockWait(policy: LockWait | undefined): void {
  lockWait = policy;
}

export function lockPath(stateDir: string, environment: string): string {
  return path.join(stateDir, 'locks', `${environment}.lock`);
}

export async function readLock(stateDir: string, environment: string): Promise<LockState | undefined> {
  const file = lockPath(stateDir, environment);
  const read = await readLockFile(file);
  if (!read) return undefined;
  const { holder, invalid } = read;
  // A lock being written without hard links is briefly invalid: only an invalid file this old is reclaimed.
  if (invalid) return { holder, stale: await isOlderThan(file, UNREADABLE_GRACE_MS), invalid };
  return { holder, stale: holder.host === currentIdentity().host && !(await isHolderAlive(holder)) };
}

/** Alive: its pid runs and, where the lock recorded it, started when the holder did (else the pid was reused). */
async function isHolderAlive(holder: LockInfo): Promise<boolean> {
  if (!isProcessAlive(holder.pid)) return false;
  if (!holder.processStart) return true;
  const started = await processStartTime(holder.pid);
  return started === undefined || started === holder.processStart;
}

/**
 * Takes the environment's lock or throws LockedError naming the holder; a dead holder's lock is reclaimed.
 * Under --lock-wait a held lock is polled until it is free or the wait is over.
 */
export async function acquireLock(stateDir: string, environment: string, command: string): Promise<HeldLock> {
  const wait = lockWait;
  if (!wait) return tryAcquire(stateDir, environment, command);
  const until = Date.now() + wait.ms;
  let told = false;
  for (;;) {
    try {
      return await tryAcquire(stateDir, environment, command);
    } catch (error) {
      if (!(error instanceof LockedError)) throw error;
      const left = until - Date.now();
      if (left <= 0) throw new LockedError(error.message, `Waited ${formatDuration(wait.ms)} (--lock-wait) and it was still held. ${error.hint ?? ''}`.trim(), error.details);
      if (!told) wait.onWait(error);
      told = true;
      if (!(await delay(Math.min(WAIT_POLL_MS, left), wait.signal))) throw abortReason(wait.signal);
    }
  }
}

async function tryAcquire(stateDir: string, environment: string, command: string): Promise<HeldLock> {
  const file = lockPath(stateDir, environment);
  await inStateDir(mkdir(path.dirname(file), { recursive: true }), 'create the lock folder', path.dirname(file));
  const { user, host, pid } = currentIdentity();
  const processStart = await ownStartTime();
  const info: LockInfo = { environment, pid, host, user, command, startedAt: new Date().toISOString(), ...(processStart ? { processStart } : {}) };
  let reclaimed: LockInfo | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const created = await inStateDir(createExclusive(file, info), 'write the lock file', file);
    if (created) return held(file, info, reclaimed);
    const state = await readLock(stateDir, environment);
    if (state && !state.stale) throw lockedError(state);
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
    await writeNew(mutex, String(process.pid));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw folderFileError(error, 'write the lock file', mutex);
    // A reclaimer that died mid-way leaves its mutex behind: it expires.
    if (await isOlderThan(mutex, RECLAIM_GRACE_MS)) await unlink(mutex).catch(() => undefined);
    await sleep(20 + Math.random() * 30);
    return undefined;
  }
  try {
    if (!sameHolder((await readLockFile(file))?.holder, stale)) return undefined;
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

/** The refusal for a held lock: its holder, or an invalid file that is not old enough to reclaim yet. */
export function lockedError(state: LockState): LockedError {
  if (!state.invalid) return lockedBy(state.holder);
  return new LockedError(
    `${state.holder.environment} is locked by a lock file that is not a valid opsctl lock (${state.invalid}); another opsctl may be writing it.`,
    `It is reclaimed once it is ${UNREADABLE_GRACE_MS / 1000} s old: try again in a moment, or remove it now with: opsctl lock release --force`,
    { holder: state.holder, invalid: state.invalid },
  );
}

/**
 * Removes the environment's lock file whoever holds it, valid or not; returns what it removed. For
 * `lock release --force`.
 */
export async function forceRemoveLock(stateDir: string, environment: string): Promise<LockInfo | undefined> {
  const file = lockPath(stateDir, environment);
  const read = await readLockFile(file);
  if (!read) return undefined;
  await unlink(file).catch((error: unknown) => ((error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : Promise.reject(folderFileError(error, 'remove the lock file', file))));
  return read.holder;
}

import { closeSync, openSync, readSync, unlinkSync } from 'node:fs';
import { link, open, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { folderFileError } from '../process/fs-error.js';

/** What a lock file records about its holder. */
export interface LockInfo {
  environment: string;
  pid: number;
  host: string;
  user: string;
  command: string;
  startedAt: string;
  /** The holder's process start (process/start-time.ts), to tell it from a later process given its pid. Absent in older locks. */
  processStart?: string;
}

/** What is in a lock file: a holder, or why it is not a valid lock (the holder then stands in, pid UNREADABLE). */
export interface LockFileRead {
  holder: LockInfo;
  invalid?: string;
}

/** pid of a lock file that is not a valid lock (being written elsewhere, or corrupt). */
export const UNREADABLE = -1;

/** A real lock is a few hundred bytes: anything past this is not one, and is not read whole. */
const MAX_LOCK_BYTES = 64 * 1024;

/**
 * Creates `file` holding `info` only if it does not exist. The content is written to a temp file
 * first and hard-linked into place, so nobody ever reads a half-written lock. The temp file goes in
 * every case, a full disk included.
 */
export async function createExclusive(file: string, info: LockInfo): Promise<boolean> {
  const body = `${JSON.stringify(info)}\n`;
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeNew(temp, body);
    await link(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS' || code === 'EACCES') throw error;
    // A filesystem without hard links: fall back to an exclusive create.
    return writeNew(file, body).then(
      () => true,
      (again: NodeJS.ErrnoException) => (again.code === 'EEXIST' ? false : Promise.reject(again)),
    );
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Creates `file` (it must not exist) with `body`; a write that fails removes the file it created. */
export async function writeNew(file: string, body: string): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(body);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(file).catch(() => undefined);
    throw error;
  }
  await handle.close();
}

/** The lock file's holder, or why it is not a valid lock; undefined when there is none. */
export async function readLockFile(file: string): Promise<LockFileRead | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error(`${file} is a folder`), { code: 'EISDIR' });
    const buffer = Buffer.alloc(MAX_LOCK_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return judge(file, buffer.subarray(0, bytesRead), info.mtime);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw folderFileError(error, 'read the lock file', file);
  } finally {
    await handle?.close();
  }
}

function judge(file: string, bytes: Buffer, mtime: Date): LockFileRead {
  const text = bytes.toString('utf8');
  let problem: string;
  if (bytes.length > MAX_LOCK_BYTES) problem = `it is larger than ${MAX_LOCK_BYTES / 1024} KiB`;
  else {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isLockInfo(parsed)) return { holder: parsed };
      problem = `it holds ${JSON.stringify(text.trim().slice(0, 40))}, not a holder`;
    } catch {
      problem = 'it is not JSON: half-written, or corrupt';
    }
  }
  // The file's age stands in for the start: a later, different invalid file is not the same holder.
  const holder = { environment: path.basename(file, '.lock'), pid: UNREADABLE, host: 'unknown', user: 'unknown', command: 'unknown', startedAt: mtime.toISOString() };
  return { holder, invalid: problem };
}

function isLockInfo(value: unknown): value is LockInfo {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const lock = value as Record<string, unknown>;
  const texts = ['environment', 'host', 'user', 'command', 'startedAt'].every((key) => typeof lock[key] === 'string');
  return texts && Number.isInteger(lock.pid) && (lock.pid as number) > 0 && (lock.processStart === undefined || typeof lock.processStart === 'string');
}

export function sameHolder(a: LockInfo | undefined, b: LockInfo): boolean {
  return Boolean(a) && a!.pid === b.pid && a!.host === b.host && a!.startedAt === b.startedAt;
}

/** Removes the lock file only while it is still `owner`'s: a forced release may have given it to someone else. */
export async function removeIfOwned(file: string, owner: LockInfo): Promise<void> {
  const current = await readLockFile(file).catch(() => undefined);
  if (sameHolder(current?.holder, owner)) await unlink(file).catch(() => undefined);
}

export function removeIfOwnedSync(file: string, owner: LockInfo): void {
  try {
    const fd = openSync(file, 'r');
    const buffer = Buffer.alloc(MAX_LOCK_BYTES);
    let bytesRead: number;
    try {
      bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    } finally {
      closeSync(fd);
    }
    if (sameHolder(JSON.parse(buffer.toString('utf8', 0, bytesRead)) as LockInfo, owner)) unlinkSync(file);
  } catch {
    // Gone or unreadable: nothing of ours to remove.
  }
}

export async function isOlderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return !info || Date.now() - info.mtimeMs > ms;
}

import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** What a lock file records about its holder. */
export interface LockInfo {
  environment: string;
  pid: number;
  host: string;
  user: string;
  command: string;
  startedAt: string;
}

/** pid of a lock file that cannot be parsed (being written elsewhere, or corrupt). */
export const UNREADABLE = -1;

/**
 * Creates `file` holding `info` only if it does not exist. The content is written to a temp file
 * first and hard-linked into place, so nobody ever reads a half-written lock.
 */
export async function createExclusive(file: string, info: LockInfo): Promise<boolean> {
  const body = `${JSON.stringify(info)}\n`;
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, body, { flag: 'wx' });
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A filesystem without hard links: fall back to an exclusive create.
    return writeFile(file, body, { flag: 'wx' }).then(
      () => true,
      (again: NodeJS.ErrnoException) => (again.code === 'EEXIST' ? false : Promise.reject(again)),
    );
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

export async function readLockFile(file: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockInfo;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { environment: path.basename(file, '.lock'), pid: UNREADABLE, host: 'unknown', user: 'unknown', command: 'unknown', startedAt: 'unknown' };
  }
}

export function sameHolder(a: LockInfo | undefined, b: LockInfo): boolean {
  return Boolean(a) && a!.pid === b.pid && a!.host === b.host && a!.startedAt === b.startedAt;
}

/** Removes the lock file only while it is still `owner`'s: a forced release may have given it to someone else. */
export async function removeIfOwned(file: string, owner: LockInfo): Promise<void> {
  if (sameHolder(await readLockFile(file), owner)) await unlink(file).catch(() => undefined);
}

export function removeIfOwnedSync(file: string, owner: LockInfo): void {
  try {
    if (sameHolder(JSON.parse(readFileSync(file, 'utf8')) as LockInfo, owner)) unlinkSync(file);
  } catch {
    // Gone or unreadable: nothing of ours to remove.
  }
}

export async function isOlderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return !info || Date.now() - info.mtimeMs > ms;
}

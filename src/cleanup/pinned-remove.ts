import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readlinkSync, rmdirSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { OpsError } from '../errors.js';
import { displayPath, isInsideRaw, rawJoin, type RawPath } from './raw-path.js';

export interface Identity {
  dev: number;
  ino: number;
}

/** A folder as the walk met it (by lstat, never through a link): its bytes, identity and parent, up to the root. */
export interface DirRef extends Identity {
  raw: RawPath;
  name: RawPath;
  parent?: DirRef | undefined;
}

export type RaceStage = 'before-pin' | 'before-remove';
export interface RemoveSeam {
  /** Runs before the folder is pinned and between the last check and the unlink: where a test swaps folders. */
  hook?: ((stage: RaceStage, target: string) => void) | undefined;
  /** Force the portable pin (the working folder) so Linux tests cover it too. */
  pin?: 'descriptor' | 'cwd' | undefined;
}
let seam: RemoveSeam = {};

/** Test seam only (no user-facing switch): set for one test, reset with {} afterwards. */
export function setRemoveSeamForTests(next: RemoveSeam): void {
  seam = next;
}

/**
 * Removes `name` from `dir` only while `dir` is still the folder the walk verified and still inside the
 * root, and `name` still the planned file (or folder). Checking a path and then unlinking the same path
 * resolves it twice, so a folder swapped for a link in between redirects the unlink anywhere. Instead the
 * folder is pinned first and every check and the unlink go through the pin:
 * - Linux: an open descriptor of the folder; `/proc/self/fd/N/name` is resolved by the kernel from the
 *   descriptor's inode, never from the path again (unlinkat(fd, name), which Node does not offer).
 * - elsewhere: the process's working folder (chdir, then unlink the bare name), the same guarantee
 *   through the cwd. Process-wide, so everything from chdir to restore is synchronous: no other JS runs
 *   meanwhile, and cleanup has no fs call in flight (removals run one by one). Not in worker threads.
 * All synchronous either way: nothing else can interleave with the checks.
 */
export function removePinned(root: DirRef, dir: DirRef, name: RawPath, planned: Identity, kind: Kind): void {
  const what = displayPath(rawJoin(dir.raw, name));
  seam.hook?.('before-pin', what);
  const pin = pinFolder(dir, what);
  try {
    if (!isInsideRaw(root.raw, pin.where)) throw new OpsError(`${what}: its folder is now ${displayPath(pin.where)}, outside ${displayPath(root.raw)}: refused.`);
    const target = pin.entry(name);
    const st = lstatSync(target);
    if (!IS_KIND[kind](st) || !same(st, planned)) throw new OpsError(`${what} changed since it was planned (not the same ${kind} any more): left alone.`);
    seam.hook?.('before-remove', what);
    if (kind === 'folder') rmdirSync(target);
    else unlinkSync(target);
  } finally {
    pin.release();
  }
}

/** A regular file, an empty folder, or any entry that is not a folder (a link goes as the link itself). */
type Kind = 'file' | 'folder' | 'entry';
const IS_KIND: Record<Kind, (st: Stats) => boolean> = {
  file: (st) => st.isFile(),
  folder: (st) => st.isDirectory(),
  entry: (st) => !st.isDirectory(),
};

interface Pin {
  /** The folder's real path now, as the kernel knows it. */
  where: RawPath;
  entry(name: RawPath): RawPath;
  release(): void;
}

const PROC_FD = '/proc/self/fd';
const byDescriptor = process.platform === 'linux' && existsSync(PROC_FD);

function pinFolder(dir: DirRef, what: string): Pin {
  return byDescriptor && seam.pin !== 'cwd' ? pinByDescriptor(dir, what) : pinByCwd(dir, what);
}

function pinByDescriptor(dir: DirRef, what: string): Pin {
  const fd = openSync(dir.raw, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
  try {
    assertSameFolder(fstatSync(fd), dir, what);
    const self = `${PROC_FD}/${fd}`;
    const where = readlinkSync(self, { encoding: 'buffer' });
    return { where, entry: (name) => rawJoin(Buffer.from(self), name), release: () => closeSync(fd) };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function pinByCwd(dir: DirRef, what: string): Pin {
  const back = process.cwd();
  process.chdir(dir.raw.toString());
  try {
    assertSameFolder(statSync('.'), dir, what);
    return { where: Buffer.from(process.cwd()), entry: (name) => name, release: () => process.chdir(back) };
  } catch (error) {
    process.chdir(back);
    throw error;
  }
}

function assertSameFolder(st: Stats, dir: DirRef, what: string): void {
  if (!same(st, dir)) throw new OpsError(`${what}: its folder ${displayPath(dir.raw)} was replaced since it was planned (a link or another folder now): refused.`);
}

function same(st: Stats, id: Identity): boolean {
  return st.dev === id.dev && st.ino === id.ino;
}

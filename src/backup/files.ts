import { lstat, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { OpsError } from '../errors.js';
import { withDecrypted, type Decrypted } from './age.js';
import { LinkView } from './link-view.js';
import { AllowedRoots, type EntryHeader } from './safe-paths.js';


/**
 * How every files part is read back. gzip only (no brotli or zstd sniffing), and a decompression
 * ratio above deflate's own ceiling (about 1032:1): the tar package's default of 1000 refused a
 * legitimate 50 MB file of zeros (a preallocated or sparse file), failing every backup that held one.
 */
const READ = { strict: true, gzip: true, maxDecompressionRatio: 1_100 } as const;

/** The tar package's version, for the manifest. */
export const TAR_TOOL = 'tar (npm)';

/**
 * Every listed path must exist: a set silently missing `.env` is the failure backups exist to prevent.
 * Nor may it be a link: tar stores the link, not the files it leads to.
 */
export async function checkPaths(cwd: string, paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    const where = path.resolve(cwd, p);
    const stat = await lstat(where).catch(() => undefined);
    if (!stat) throw new OpsError(`backup.files: ${p} does not exist (looked in ${cwd}).`, 'Fix the path in opsctl.yaml (paths are relative to its folder), or remove it from backup.files.');
    if (stat.isSymbolicLink()) {
      const to = await realpath(where).catch(() => readlink(where));
      throw new OpsError(`backup.files: ${p} is a link to ${to}: a backup would hold the link, not the files it leads to.`, `List ${to} in backup.files instead.`);
    }
  }
}

/** Counts the entries, reading the whole archive: a truncated or corrupt one throws. */
export async function countEntries(file: string): Promise<number> {
  let entries = 0;
  await tar.list({ ...READ, file, onReadEntry: () => void (entries += 1) });
  return entries;
}

/**
 * Every refusal a restore of this archive into the config folder would make, read without writing:
 * each entry is laid over the disk in memory, in order, so links the archive makes are followed as
 * the kernel will follow them. Symlinks are judged in the finished tree, where later entries count.
 */
export async function archiveRefusals(source: ArchiveSource, cwd: string, paths: readonly string[]): Promise<string[]> {
  const allowed = new AllowedRoots(cwd, paths);
  const view = new LinkView({ cache: true });
  const refused: string[] = [];
  const links: { entry: EntryHeader; location: string }[] = [];
  await listArchive(source, (read) => {
      const entry: EntryHeader = { path: read.path, type: read.type, linkpath: read.linkpath };
      // A refused entry is laid too: what follows is judged in the tree the archive really makes.
      const why = allowed.refusal(entry, view);
      const location = allowed.lay(entry, view);
      if (why) refused.push(why);
      else if (entry.type === 'SymbolicLink' && location !== undefined) links.push({ entry, location });
  });
  for (const { entry, location } of links) pushRefusal(refused, allowed.linkRefusal(entry, location, view));
  return refused;
}

/**
 * Extracts into the config folder, only inside the listed paths (the config's backup.files): one
 * refused entry refuses the whole set before anything is written (see AllowedRoots for the rule).
 * preservePaths keeps absolute paths, so these checks replace the tar package's own; they run again
 * entry by entry against the real disk while extracting (in order, sync), in case it changed since.
 */
export async function extractFiles(source: ArchiveSource, cwd: string, paths: readonly string[]): Promise<number> {
  const refused = await archiveRefusals(source, cwd, paths);
  if (refused.length > 0) throw refusedError(refused);
  const allowed = new AllowedRoots(cwd, paths);
  const disk = new LinkView({ cache: false });
  let extracted = 0;
  const options = {
    ...READ,
    cwd,
    preservePaths: true,
    filter: (_path: string, entry: unknown) => {
      const why = allowed.refusal(entry as EntryHeader, disk);
      pushRefusal(refused, why);
      if (!why) extracted += 1;
      return !why;
    },
  };
  if (typeof source === 'string') tar.extract({ ...options, file: source, sync: true });
  else {
    // Decrypted on the fly: chunk by chunk into the same synchronous unpacker, so each entry is still
    // checked against the disk right before it is written.
    const unpack = new tar.UnpackSync(options);
    await withDecrypted(source(), async (output) => {
      for await (const chunk of output) unpack.write(chunk as Buffer);
      unpack.end();
    });
  }
  if (refused.length > 0) throw refusedError(refused);
  return extracted;
}

/** A files part as stored (its path), or a way to read it decrypted (each call starts a new `age -d`). */
export type ArchiveSource = string | (() => Decrypted);

async function listArchive(source: ArchiveSource, onReadEntry: (entry: tar.ReadEntry) => void): Promise<void> {
  if (typeof source === 'string') return tar.list({ ...READ, file: source, onReadEntry });
  await withDecrypted(source(), (output) => pipeline(output, tar.list({ ...READ, onReadEntry }) as unknown as Writable));
}

function pushRefusal(refused: string[], why: string | undefined): void {
  if (why) refused.push(why);
}

function refusedError(refused: readonly string[]): OpsError {
  return new OpsError(`The files part holds paths outside backup.files: ${refused.slice(0, 3).join(', ')}${refused.length > 3 ? ` and ${refused.length - 3} more` : ''}.`, 'The archive was not written by opsctl for this config; restore it by hand after checking it.');
}

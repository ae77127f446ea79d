import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar';
import { OpsError } from '../errors.js';

/** The tar package's version, for the manifest. */
export const TAR_TOOL = 'tar (npm)';

/** Every listed path must exist: a set silently missing `.env` is the failure backups exist to prevent. */
export async function checkPaths(cwd: string, paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    try {
      await lstat(path.resolve(cwd, p));
    } catch {
      throw new OpsError(`backup.files: ${p} does not exist (looked in ${cwd}).`, 'Fix the path in opsctl.yaml (paths are relative to its folder), or remove it from backup.files.');
    }
  }
}

/** One gzipped tar of the listed paths, as a stream: relative paths stay relative to the config folder, absolute ones absolute. */
export function packFiles(cwd: string, paths: readonly string[]): Readable {
  const absolute = paths.some((p) => path.isAbsolute(p));
  return tar.create({ gzip: true, cwd, portable: true, preservePaths: absolute }, [...paths]) as unknown as Readable;
}

/** Counts the entries, reading the whole archive: a truncated or corrupt one throws. */
export async function countEntries(file: string): Promise<number> {
  let entries = 0;
  await tar.list({ file, strict: true, onReadEntry: () => void (entries += 1) });
  return entries;
}

/**
 * Extracts into the config folder, only entries inside the listed paths: an entry that names a
 * path outside them (`../`, another absolute path) is refused, whatever the archive says.
 */
export async function extractFiles(file: string, cwd: string, paths: readonly string[]): Promise<number> {
  const allowed = paths.map((p) => path.resolve(cwd, p));
  let extracted = 0;
  const refused: string[] = [];
  await tar.extract({
    file,
    cwd,
    strict: true,
    preservePaths: true,
    filter: (entryPath) => {
      const target = path.resolve(cwd, entryPath);
      const ok = allowed.some((root) => target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
      if (ok) extracted += 1;
      else refused.push(entryPath);
      return ok;
    },
  });
  if (refused.length > 0) throw new OpsError(`The files part holds paths outside backup.files: ${refused.slice(0, 3).join(', ')}.`, 'The archive was not written by opsctl for this config; restore it by hand after checking it.');
  return extracted;
}

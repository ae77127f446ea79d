import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { ConfigError, OpsError } from '../errors.js';
import type { Digest } from './digest.js';
import { LinkView } from './link-view.js';
import { AllowedRoots, within } from './safe-paths.js';

/** A file that changes under the packer costs the whole part: it is packed again, this many times in all. */
export const PACK_TRIES = 3;

export interface PackRequest {
  cwd: string;
  paths: readonly string[];
  /** backup.dir: left out when it lies inside a listed folder, since it holds the set being written. */
  backupDir: string;
  signal: AbortSignal;
  /** Hears why the part is packed again. */
  onRetry: (message: string) => void;
}

/**
 * Packs the listed paths into what `open` gives for each try (the part's file, written anew each time),
 * hashing through `digest`.
 * tar writes a file's size before its bytes: one that grows or shrinks meanwhile fails the archive,
 * so the part is packed again and, if that file keeps changing, the backup fails naming it. A link
 * that restore would refuse (leading outside backup.files) fails the backup instead of the restore.
 */
export async function packFilesInto(request: PackRequest, open: (attempt: number) => Writable, digest: Digest): Promise<void> {
  let skip: Stats;
  try {
    const inside = request.paths.find((p) => within(path.resolve(request.cwd, p), [path.resolve(request.backupDir)]));
    if (inside !== undefined) throw new ConfigError(`backup.files: ${inside} lies inside backup.dir (${request.backupDir}): a backup would pack its own sets.`, 'Point backup.dir elsewhere, or remove that path from backup.files.');
    skip = statSync(request.backupDir);
  } catch (error) {
    throw error;
  }
  for (let attempt = 1; ; attempt += 1) {
    const outward: string[] = [];
    const filter = packFilter(request, skip, outward);
    const to = open(attempt);
    try {
      await pipeline(packFiles(request.cwd, request.paths, filter), digest.restart(), to, { signal: request.signal });
    } catch (error) {
      const changed = changedFile(error);
      if (changed === undefined || request.signal.aborted) throw error;
      const name = path.relative(request.cwd, changed) || changed;
      if (attempt >= PACK_TRIES) {
        throw new OpsError(`${name} changed while it was being packed, ${PACK_TRIES} times in a row: the backup was not kept.`, 'Stop what writes it while the backup runs (or back up at a quiet hour), or leave it out of backup.files.', { file: changed });
      }
      request.onRetry(`${name} changed while it was being packed: packing the files again (try ${attempt + 1} of ${PACK_TRIES})`);
      continue;
    }
    if (outward.length > 0) {
      throw new OpsError(`backup.files holds links that restore would refuse: ${outward.slice(0, 3).join('; ')}.`, 'A backup stores a link, not what it leads to: list the folder it leads to in backup.files itself, or remove the link.');
    }
    return;
  }
}

/** One gzipped tar of the listed paths, as a stream: relative paths stay relative to the config folder, absolute ones absolute. */
export function packFiles(cwd: string, paths: readonly string[], filter?: (p: string, stat: Stats) => boolean): Readable {
  const absolute = paths.some((p) => path.isAbsolute(p));
  return tar.create({ gzip: true, cwd, portable: true, preservePaths: absolute, ...(filter ? { filter: (p: string, entry: unknown) => filter(p, entry as Stats) } : {}) }, [...paths]) as unknown as Readable;
}

/** Leaves backup.dir out (by identity, whatever path reaches it) and notes each link restore would refuse. */
function packFilter(request: PackRequest, skip: Stats, outward: string[]): (p: string, stat: Stats) => boolean {
  const allowed = new AllowedRoots(request.cwd, request.paths);
  const disk = new LinkView({ cache: false });
  return (p, stat) => {
    if (stat.isDirectory() && stat.dev === skip.dev && stat.ino === skip.ino) return false;
    if (stat.isSymbolicLink()) {
      const location = path.resolve(request.cwd, p);
      const node = disk.lookup(location);
      const why = node.kind === 'link' ? allowed.linkRefusal({ path: p, type: 'SymbolicLink', linkpath: node.target }, location, disk) : undefined;
      if (why) outward.push(why);
    }
    return true;
  };
}

/** The file a tar error says changed under it: a size that no longer matches, or a file gone since the folder was read. */
function changedFile(error: unknown): string | undefined {
  const { code, path: file } = error as { code?: string; path?: unknown };
  return (code === 'EOF' || code === 'ENOENT') && typeof file === 'string' ? file : undefined;
}

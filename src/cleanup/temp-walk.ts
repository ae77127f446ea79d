import { lstat, readdir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import type { DirRef } from './pinned-remove.js';
import { displayPath, rawJoin, rawKey, type RawPath } from './raw-path.js';

/** Something below the top that is not a folder, as lstat saw it (a link is the link, never its target). */
export interface Entry {
  dir: DirRef;
  name: RawPath;
  full: RawPath;
  st: Stats;
}

export interface Tree {
  entries: Entry[];
  /** Every folder entered below the top, parents before children. */
  dirs: DirRef[];
  /** Mount points below the top, or entries on another device: not entered. */
  mounts: string[];
}

/**
 * Everything under top, by lstat only and names as bytes (so names that are not UTF-8 are found too):
 * a symbolic link is not followed, and neither a mount point (from the mount table: a same-device bind
 * mount included) nor anything on another device is entered.
 */
export async function walkBelow(top: DirRef, mountPoints: ReadonlySet<string>): Promise<Tree> {
  const tree: Tree = { entries: [], dirs: [], mounts: [] };
  const pending = [top];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    const names = await readdir(dir.raw, { encoding: 'buffer' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as RawPath[];
      throw error;
    });
    for (const name of names) {
      const full = rawJoin(dir.raw, name);
      const st = await lstat(full).catch(() => undefined);
      if (!st) continue;
      if (st.dev !== top.dev || mountPoints.has(rawKey(full))) tree.mounts.push(displayPath(full));
      else if (st.isDirectory() && !st.isSymbolicLink()) {
        const child = { raw: full, name, dev: st.dev, ino: st.ino, parent: dir };
        tree.dirs.push(child);
        pending.push(child);
      } else tree.entries.push({ dir, name, full, st });
    }
  }
  return tree;
}

export interface TempFile {
  /** For people (and the JSON result): bytes that are not UTF-8 shown as \xNN. */
  path: string;
  /** The folder it was found in, as met by the walk: the removal pins it and checks it is still that one. */
  dir: DirRef;
  name: RawPath;
  bytes: number;
  mtimeMs: number;
  dev: number;
  ino: number;
}

export interface Walk {
  files: TempFile[];
  /** Symbolic links met: never followed, never removed (their targets may live anywhere). */
  links: string[];
  /** Mount points below the root, or entries on another device: not entered. */
  otherFilesystems: string[];
}

/** The regular files under a cleanup.temp root; links are listed, never removed. */
export async function walkTemp(root: DirRef, mountPoints: ReadonlySet<string>): Promise<Walk> {
  const tree = await walkBelow(root, mountPoints);
  const walk: Walk = { files: [], links: [], otherFilesystems: tree.mounts };
  for (const { dir, name, full, st } of tree.entries) {
    if (st.isSymbolicLink()) walk.links.push(displayPath(full));
    else if (st.isFile()) walk.files.push({ path: displayPath(full), dir, name, bytes: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino });
  }
  return walk;
}

/** True when `p` is `root` or inside it (both already real paths). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

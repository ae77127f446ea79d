import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { DirRef } from './pinned-remove.js';
import { displayPath, rawJoin, rawKey, type RawPath } from './raw-path.js';

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

/**
 * Every regular file under root, by lstat only, names as bytes (so names that are not UTF-8 are found
 * too): a symbolic link is neither followed nor removed, and neither a mount point (from the mount
 * table: a same-device bind mount included) nor anything on another device is entered.
 */
export async function walkTemp(root: DirRef, mountPoints: ReadonlySet<string>): Promise<Walk> {
  const walk: Walk = { files: [], links: [], otherFilesystems: [] };
  const pending = [root];
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
      if (st.isSymbolicLink()) walk.links.push(displayPath(full));
      else if (st.dev !== root.dev || mountPoints.has(rawKey(full))) walk.otherFilesystems.push(displayPath(full));
      else if (st.isDirectory()) pending.push({ raw: full, name, dev: st.dev, ino: st.ino, parent: dir });
      else if (st.isFile()) walk.files.push({ path: displayPath(full), dir, name, bytes: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino });
    }
  }
  return walk;
}

/** True when `p` is `root` or inside it (both already real paths). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

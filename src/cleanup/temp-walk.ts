import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface TempFile {
  path: string;
  bytes: number;
  mtimeMs: number;
  dev: number;
  ino: number;
}

export interface Walk {
  files: TempFile[];
  /** Symbolic links met: never followed, never removed (their targets may live anywhere). */
  links: string[];
  /** Folders on another filesystem (mount points under the root): not entered. */
  otherFilesystems: string[];
}

/**
 * Every regular file under root, by lstat only: a symbolic link is neither followed nor removed, and a
 * folder on another filesystem (st_dev differs from the root's) is not entered.
 */
export async function walkTemp(root: string, rootDev: number): Promise<Walk> {
  const walk: Walk = { files: [], links: [], otherFilesystems: [] };
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    for (const name of names) {
      const full = path.join(dir, name);
      const st = await lstat(full).catch(() => undefined);
      if (!st) continue;
      if (st.isSymbolicLink()) walk.links.push(full);
      else if (st.dev !== rootDev) walk.otherFilesystems.push(full);
      else if (st.isDirectory()) pending.push(full);
      else if (st.isFile()) walk.files.push({ path: full, bytes: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino });
    }
  }
  return walk;
}

/** True when `p` is `root` or inside it (both already real paths). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

import { lstat, realpath, rename } from 'node:fs/promises';
import path from 'node:path';
import { OpsError } from '../errors.js';
import { readMountPoints } from './mount-points.js';
import { removePinned, type DirRef } from './pinned-remove.js';
import { walkBelow, type Tree } from './temp-walk.js';

/**
 * Removes the folder `name` inside `container` and everything in it, as `rm -r` would, but nothing
 * outside: the tree is walked by lstat (links are removed as links, never followed), a tree holding a
 * mount point (a bind mount of an outside folder included) is refused before anything goes, and every
 * entry and folder is removed through its pinned, verified parent (removePinned), deepest first.
 * With `renameTo`, the folder is first renamed to that name in the same container (out of sight, so a
 * removal killed half-way never leaves something that looks whole); a refused tree is not renamed.
 */
export async function removeTreePinned(container: string, name: string, renameTo?: string): Promise<void> {
  const real = await realpath(container);
  const st = await lstat(real);
  const root: DirRef = { raw: Buffer.from(real), name: Buffer.from(path.basename(real)), dev: st.dev, ino: st.ino };
  const mountPoints = await readMountPoints();
  let walked = await walkChecked(root, name, mountPoints);
  if (renameTo !== undefined) {
    await rename(path.join(real, name), path.join(real, renameTo));
    walked = await walkChecked(root, renameTo, mountPoints);
  }
  const { top, tree } = walked;
  for (const entry of tree.entries) removePinned(root, entry.dir, entry.name, entry.st, 'entry');
  for (const folder of [top, ...tree.dirs].reverse()) removePinned(root, folder.parent!, folder.name, folder, 'folder');
}

async function walkChecked(root: DirRef, name: string, mountPoints: ReadonlySet<string>): Promise<{ top: DirRef; tree: Tree }> {
  const full = path.join(root.raw.toString(), name);
  const st = await lstat(full);
  if (!st.isDirectory()) throw new OpsError(`${full} is not a folder (a link or a file now): left alone.`);
  const top: DirRef = { raw: Buffer.from(full), name: Buffer.from(name), dev: st.dev, ino: st.ino, parent: root };
  const tree = await walkBelow(top, mountPoints);
  if (tree.mounts.length > 0) {
    throw new OpsError(`${full} holds a mount point (${tree.mounts[0]}): nothing in it was removed.`, `Unmount it (umount ${tree.mounts[0]}), then run cleanup again.`);
  }
  return { top, tree };
}

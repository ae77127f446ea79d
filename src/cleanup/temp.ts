import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { ConfigError } from '../errors.js';
import { readMountPoints } from './mount-points.js';
import { removePinned, type DirRef } from './pinned-remove.js';
import { pickTempFiles, type TempRule } from './temp-select.js';
import { isInside, walkTemp, type TempFile } from './temp-walk.js';
import type { KindPlan, Removal } from './types.js';

type TempEntry = TempRule & { path: string };

/** Every cleanup.temp entry: old files, then the oldest while over budget; only inside each root, never through a link. */
export async function planTemp(ctx: Context, env: SelectedEnvironment): Promise<KindPlan> {
  const plan: KindPlan = { removals: [], notes: [] };
  const entries = env.config.cleanup?.temp ?? [];
  const mountPoints = entries.length > 0 ? await readMountPoints() : new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const root = await checkedRoot(env, entry, index);
    if (!root) {
      plan.notes.push(`temp ${entry.path}: does not exist, nothing to clean`);
      continue;
    }
    const walk = await walkTemp(root, mountPoints);
    for (const link of walk.links) plan.notes.push(`temp: left the symbolic link ${link} alone (links are never followed nor removed)`);
    for (const other of walk.otherFilesystems) plan.notes.push(`temp: did not enter ${other}: a mount point (another filesystem or a bind mount), left alone`);
    for (const { file, why } of pickTempFiles(walk.files, entry, ctx.now())) plan.removals.push(tempRemoval(root, file, why));
  }
  return plan;
}

/** The root's real path, or undefined when it does not exist; a root that is a link, a file, `/` or holds opsctl.yaml is refused. */
async function checkedRoot(env: SelectedEnvironment, entry: TempEntry, index: number): Promise<DirRef | undefined> {
  const key = `cleanup.temp[${index}].path`;
  const configured = resolveFrom(env, entry.path);
  const st = await lstat(configured).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!st) return undefined;
  if (st.isSymbolicLink()) {
    const target = await realpath(configured).catch(() => '(a missing target)');
    throw new ConfigError(`${key}: ${configured} is a symbolic link to ${target}: cleanup refuses to clean through a link.`, 'Set the path to the folder you mean to clean itself.');
  }
  if (!st.isDirectory()) throw new ConfigError(`${key}: ${configured} is not a folder.`, 'cleanup.temp paths name folders whose files may be removed.');
  const real = await realpath(configured);
  const configDir = await realpath(env.dir);
  if (real === path.parse(real).root || isInside(real, configDir)) {
    throw new ConfigError(`${key}: ${configured} holds opsctl.yaml's folder (or is the filesystem root): cleanup refuses to clean it.`, 'Point cleanup.temp at a folder of temporary files only, such as tmp.');
  }
  if (entry.maxAgeDays === undefined && entry.maxSizeMB === undefined) {
    throw new ConfigError(`${key}: ${entry.path} has neither maxAgeDays nor maxSizeMB: nothing says which files may go.`, 'Add maxAgeDays: 7 or maxSizeMB: 500 (or both).');
  }
  return { raw: Buffer.from(real), name: Buffer.from(path.basename(real)), dev: st.dev, ino: st.ino };
}

function tempRemoval(root: DirRef, file: TempFile, why: string): Removal {
  return {
    item: { kind: 'temp', what: file.path, bytes: file.bytes, why },
    remove: async () => {
      removePinned(root, file.dir, file.name, file, 'file');
      removeEmptyParents(root, file.dir);
    },
  };
}

/** Folders emptied by the removal go too, up to (never including) the root; each pinned and checked like a file. */
function removeEmptyParents(root: DirRef, dir: DirRef): void {
  for (let child = dir; child.parent; child = child.parent) {
    try {
      removePinned(root, child.parent, child.name, child, 'folder');
    } catch {
      return; // not empty (or no longer the same folder): it stays, and so do its parents
    }
  }
}

import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { releaseLedger } from '../deploy/ledger.js';
import { foldersBeyond, linkedFolder, listReleaseFolders, releaseFolder, releasesDirOf, removeReleaseFolder } from '../deploy/releases.js';
import type { KindPlan } from './types.js';

const DEFAULT_KEEP_RELEASES = 5;

export function keptReleaseCount(env: SelectedEnvironment): number {
  return env.config.source?.keepReleases ?? DEFAULT_KEEP_RELEASES;
}

/**
 * Release folders deploy left beyond source.keepReleases (deploy prunes them itself after a good
 * deploy; these are what a failed or interrupted one left). Never the running release's folder.
 */
export async function planReleaseFolders(ctx: Context, env: SelectedEnvironment): Promise<KindPlan> {
  const source = env.config.source;
  if (!source) return { removals: [], notes: [] };
  const dir = releasesDirOf(env);
  const ledger = await releaseLedger(env);
  // What the link runs is pinned too: after an interrupted or failed rollback the journal may not know it.
  const doomed = foldersBeyond(await listReleaseFolders(dir), [ledger.current, await linkedFolder(dir)], ledger.good, keptReleaseCount(env));
  const repo = resolveFrom(env, source.repo);
  const removals = await Promise.all(
    doomed.map(async (name) => {
      const folder = releaseFolder(dir, name);
      return {
        item: { kind: 'releases' as const, what: folder, bytes: await sizeOf(folder), why: `release ${name.slice(0, 7)}: not running and not among the newest ${keptReleaseCount(env)} good releases` },
        remove: () => removeReleaseFolder(ctx, repo, folder),
      };
    }),
  );
  return { removals, notes: [] };
}

/** Bytes under a folder, links not followed. */
async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await sizeOf(full);
    else total += (await lstat(full).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

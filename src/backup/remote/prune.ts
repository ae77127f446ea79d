import type { Context } from '../../context.js';
import { planPrune, type PrunePlan } from '../prune.js';
import type { BackupSet } from '../sets.js';
import { listRemote, remoteError } from './listing.js';
import { MANIFEST_FILE } from '../manifest.js';
import { deleteFileCommand, purgeCommand } from './rclone.js';
import { passThrough } from './upload.js';
import { join, type RemoteSpec } from './spec.js';

export interface RemotePrune {
  remote: string;
  plan: PrunePlan;
  removed: string[];
}

/**
 * Applies the remote's retention (remotes[].retention, else backup.retention) to its complete sets.
 * Unfinished uploads are left alone: the next backup completes them. Under --dry-run only the plan.
 */
export async function pruneRemote(ctx: Context, remote: RemoteSpec): Promise<RemotePrune> {
  const listing = await listRemote(ctx, remote);
  const sets: BackupSet[] = listing.sets.map((s) => ({ id: s.id, dir: join(remote.base, s.id), manifest: s.manifest }));
  const plan = planPrune(sets, remote.retention, ctx.now());
  const removed: string[] = [];
  for (const gone of plan.remove) {
    if (ctx.dryRun) {
      ctx.log.plan(`would remove ${gone.id} from ${remote.name}: ${gone.reasons.join('; ')}`);
      continue;
    }
    // The manifest goes first: a prune killed half-way leaves an incomplete set, never a damaged complete one.
    try {
      await ctx.runner.run(deleteFileCommand(remote, join(remote.base, gone.id, MANIFEST_FILE)), { signal: ctx.signal });
      await ctx.runner.run(purgeCommand(remote, join(remote.base, gone.id)), { signal: ctx.signal });
    } catch (error) {
      throw passThrough(error) ? error : remoteError(remote, `remove ${gone.id}`, error as Error);
    }
    removed.push(gone.id);
    ctx.log.info(`removed ${gone.id} from ${remote.name}: ${gone.reasons.join('; ')}`);
  }
  return { remote: remote.name, plan, removed };
}

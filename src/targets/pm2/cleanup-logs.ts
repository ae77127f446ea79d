import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import type { Context } from '../../context.js';
import { MB, type KindPlan } from '../../cleanup/types.js';
import { pm2LogFiles } from './log-files.js';

/**
 * cleanup.pm2Logs: the app's own out and err files over maxSizeMB are truncated to zero, as
 * `pm2 flush <app>` does (pm2 keeps its file handles, so deleting would not free the space).
 */
export async function planPm2Logs(ctx: Context, name: string, maxSizeMB: number): Promise<KindPlan> {
  const plan: KindPlan = { removals: [], notes: [] };
  for (const log of await pm2LogFiles(ctx.runner, ctx.env, name)) {
    const st = await lstat(log.file).catch(() => undefined);
    if (!st?.isFile() || st.size <= maxSizeMB * MB) continue;
    plan.removals.push({
      item: { kind: 'pm2-logs', what: log.file, bytes: st.size, why: `${log.label} is over maxSizeMB ${maxSizeMB}: truncated to zero` },
      remove: () => truncateNoFollow(log.file),
    });
  }
  return plan;
}

/** O_NOFOLLOW: a log path swapped for a link is refused by the OS, never truncated through. */
async function truncateNoFollow(file: string): Promise<void> {
  const handle = await open(file, constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    await handle.truncate(0);
  } finally {
    await handle.close();
  }
}

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../../context.js';
import { OpsError } from '../../errors.js';
import { formatBytes } from '../../output/table.js';
import { MANIFEST_FILE, isSafety } from '../manifest.js';
import type { BackupSet } from '../sets.js';
import { listRemote, remoteError, type RemoteListing, type RemoteSet } from './listing.js';
import { copyCommand } from './rclone.js';
import { join, type RemoteSpec } from './spec.js';

export interface Upload {
  remote: string;
  /** Sets uploaded (or completed) by this run. */
  uploaded: string[];
  /** Why this remote failed; the local sets are untouched. */
  error?: string;
}

/**
 * Uploads the local sets this remote lacks: every regular set newer than its newest complete one, and
 * any set it holds only part of. A set goes file by file, manifest.json last, so the remote set counts
 * as complete only once everything else is there; a file already there with its size is not sent again.
 */
export async function syncRemote(ctx: Context, remote: RemoteSpec, local: readonly BackupSet[]): Promise<Upload> {
  const upload: Upload = { remote: remote.name, uploaded: [] };
  try {
    const listing = await listRemote(ctx, remote);
    for (const set of missingSets(listing, local)) {
      await uploadSet(ctx, remote, set, listing.incomplete.find((i) => i.id === set.id));
      upload.uploaded.push(set.id);
    }
  } catch (error) {
    if (ctx.signal.aborted || passThrough(error) || !(error instanceof Error)) throw error;
    upload.error = error.message.split('\n')[0]!;
  }
  return upload;
}

/** Oldest first, so the newest set is the last one to become complete there. */
export function missingSets(listing: RemoteListing, local: readonly BackupSet[]): BackupSet[] {
  const complete = new Set(listing.sets.map((s) => s.id));
  const partial = new Set(listing.incomplete.map((s) => s.id));
  const newest = listing.sets[0] ? Date.parse(listing.sets[0].manifest.createdAt) : -Infinity;
  return local
    .filter((s) => !isSafety(s.manifest) && !complete.has(s.id) && (partial.has(s.id) || Date.parse(s.manifest.createdAt) > newest))
    .reverse();
}

export async function uploadSet(ctx: Context, remote: RemoteSpec, set: BackupSet, there?: RemoteSet): Promise<void> {
  const names = (await readdir(set.dir)).filter((n) => !n.startsWith('.') && n !== MANIFEST_FILE).sort();
  const step = ctx.log.step(`${set.id}: uploading to ${remote.name}`);
  let sent = 0;
  try {
    for (const name of [...names, MANIFEST_FILE]) {
      const file = path.join(set.dir, name);
      const { size } = await stat(file);
      if (name !== MANIFEST_FILE && there?.files.get(name) === size) continue;
      const cmd = copyCommand(remote, file, join(remote.base, set.id, name));
      await ctx.runner.run(cmd, { signal: ctx.signal });
      sent += size;
    }
  } catch (error) {
    step.fail(`${set.id}: upload to ${remote.name} failed`);
    throw passThrough(error) ? error : remoteError(remote, `upload ${set.id}`, error as Error);
  }
  step.done(`${set.id}: on ${remote.name} (${formatBytes(sent)} sent${there ? ', resumed' : ''})`);
}

/** A missing rclone (127) or an interrupt keeps its own exit code; anything else is this remote's failure. */
export function passThrough(error: unknown): boolean {
  return error instanceof OpsError && ['tool-missing', 'interrupted', 'usage', 'config'].includes(error.code);
}

import type { SelectedEnvironment } from '../../config/select.js';
import type { Context } from '../../context.js';
import { OpsError } from '../../errors.js';
import { isSafety } from '../manifest.js';
import { listSets } from '../sets.js';
import { listRemote, type RemoteIo, type RemoteListing } from './listing.js';
import { remotesOf } from './spec.js';
import { passThrough, syncRemote, type Upload } from './upload.js';

export interface RemoteSetRow {
  id: string;
  createdAt: string;
  bytes: number;
  parts: string[];
  kind: 'regular' | 'safety';
}

export interface RemoteList {
  remote: string;
  sets: RemoteSetRow[];
  incomplete: { id: string; problem: string }[];
  /** The remote could not be listed: why. */
  error?: string;
}

/** backup list --remote [name]: every remote's complete sets and its unfinished uploads. */
export async function listRemotes(ctx: Context, env: SelectedEnvironment, name?: string): Promise<RemoteList[]> {
  const out: RemoteList[] = [];
  for (const remote of remotesOf(env, name)) {
    const listing = await listRemote(ctx, remote).catch((error: unknown) => error);
    if (listing instanceof Error) {
      if (passThrough(listing)) throw listing;
      ctx.log.warn(listing.message.split('\n')[0]!);
      out.push({ remote: remote.name, sets: [], incomplete: [], error: listing.message.split('\n')[0]! });
    } else out.push(rowsOf(listing as RemoteListing));
  }
  return out;
}

function rowsOf(listing: RemoteListing): RemoteList {
  return {
    remote: listing.remote,
    sets: listing.sets.map((s) => ({ id: s.id, createdAt: s.manifest.createdAt, bytes: s.manifest.bytes, parts: s.manifest.parts.map((p) => p.name), kind: isSafety(s.manifest) ? 'safety' : 'regular' })),
    incomplete: listing.incomplete.map((s) => ({ id: s.id, problem: s.problem })),
  };
}

/** Where each set has a complete copy: `local` and the remotes that hold it (remotes that cannot be listed are left out, with a warning). */
export async function copiesByRemote(ctx: Context, env: SelectedEnvironment): Promise<Map<string, string[]>> {
  const copies = new Map<string, string[]>();
  for (const list of await listRemotes(ctx, env)) {
    for (const set of list.sets) copies.set(set.id, [...(copies.get(set.id) ?? []), list.remote]);
  }
  return copies;
}

/**
 * Uploads what each remote lacks. Every remote is tried; then, if any failed, one error that says the
 * local sets are intact and what to do, so the caller (backup) fails, pings /fail and alerts as for a failed backup.
 */
export async function uploadToRemotes(ctx: Context, env: SelectedEnvironment, dir: string, name?: string): Promise<Upload[]> {
  const remotes = remotesOf(env, name);
  if (remotes.length === 0) return [];
  const { sets } = await listSets(dir, env.name);
  const uploads: Upload[] = [];
  for (const remote of remotes) uploads.push(await syncRemote(ctx, remote, sets));
  const failed = uploads.filter((u) => u.error);
  if (failed.length > 0) {
    throw new OpsError(
      `Upload to ${failed.map((u) => u.remote).join(', ')} failed: ${failed.map((u) => u.error).join('; ')}. The local sets in ${dir} are intact.`,
      'Fix the remote (reachable? credentials? space?), then run opsctl backup upload: it sends only what is missing, manifest last.',
      { uploads },
    );
  }
  return uploads;
}

/** status: the remotes holding a complete copy of set `id`; a remote that cannot be listed (or configured) shows as `<name>?`. */
export async function remotesHolding(io: RemoteIo, env: SelectedEnvironment, id: string): Promise<string[]> {
  const names = (env.config.backup?.remotes ?? []).map((r) => r.name);
  const held = await Promise.all(
    names.map(async (name) => {
      try {
        const listing = await listRemote(io, remotesOf(env, name)[0]!);
        return listing.sets.some((s) => s.id === id) ? [name] : [];
      } catch (error) {
        if (io.signal.aborted) throw error;
        return [`${name}?`];
      }
    }),
  );
  return held.flat();
}

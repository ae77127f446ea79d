import type { Runner } from '../../process/runner.js';
import { OpsError } from '../../errors.js';
import { toolFailure } from '../../process/runner.js';
import { MANIFEST_FILE, manifestSchema, type Manifest } from '../manifest.js';
import { isSafety } from '../manifest.js';
import { catCommand, listCommand } from './rclone.js';
import { join, type RemoteSpec } from './spec.js';

export interface RemoteSet {
  id: string;
  /** Its manifest, when uploaded: only then is the remote set complete. */
  manifest: Manifest | null;
  /** Every file there, with its size: what an interrupted upload left is compared against the local manifest. */
  files: Map<string, number>;
}

export interface RemoteListing {
  remote: string;
  /** Complete sets (manifest present and valid), newest first. */
  sets: (RemoteSet & { manifest: Manifest })[];
  /** Folders without a (valid) manifest: uploads that did not finish. */
  incomplete: (RemoteSet & { problem: string })[];
}

/** What listing needs: a Context, or a health probe's runner and signal. */
export interface RemoteIo {
  runner: Runner;
  signal: AbortSignal;
}

const SET_ID = /^\d{8}T\d{6}Z(-\d+)?$/;
// rclone's "directory not found": a remote nothing was uploaded to yet.
const NOT_FOUND_EXIT = 3;

/** The sets of this environment on one remote; each manifest is read and validated, as local ones are. */
export async function listRemote(ctx: RemoteIo, remote: RemoteSpec): Promise<RemoteListing> {
  const cmd = listCommand(remote);
  const result = await ctx.runner.run(cmd, { allowFailure: true, signal: ctx.signal });
  if (result.exitCode === NOT_FOUND_EXIT) return { remote: remote.name, sets: [], incomplete: [] };
  if (result.exitCode !== 0) throw remoteError(remote, 'list', toolFailure(cmd, result));
  const entries = JSON.parse(result.stdout || '[]') as { Path: string; Size: number }[];
  const folders = new Map<string, RemoteSet>();
  for (const entry of entries) {
    const [id, file, extra] = entry.Path.split('/');
    if (!id || !file || extra !== undefined || !SET_ID.test(id)) continue;
    const set = folders.get(id) ?? { id, manifest: null, files: new Map() };
    set.files.set(file, entry.Size);
    folders.set(id, set);
  }
  const listing: RemoteListing = { remote: remote.name, sets: [], incomplete: [] };
  for (const set of folders.values()) {
    if (!set.files.has(MANIFEST_FILE)) {
      listing.incomplete.push({ ...set, problem: 'no manifest.json: an upload that did not finish; the next backup completes it' });
      continue;
    }
    const read = await readRemoteManifest(ctx, remote, set.id);
    if ('problem' in read) listing.incomplete.push({ ...set, problem: read.problem });
    else listing.sets.push({ ...set, manifest: read.manifest });
  }
  listing.sets.sort((a, b) => Date.parse(b.manifest.createdAt) - Date.parse(a.manifest.createdAt) || b.id.localeCompare(a.id));
  return listing;
}

async function readRemoteManifest(ctx: RemoteIo, remote: RemoteSpec, id: string): Promise<{ manifest: Manifest } | { problem: string }> {
  const { stdout } = await ctx.runner.run(catCommand(remote, join(remote.base, id, MANIFEST_FILE)), { signal: ctx.signal });
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(stdout));
    return parsed.success ? { manifest: parsed.data } : { problem: 'manifest.json is not valid' };
  } catch {
    return { problem: 'manifest.json is not JSON' };
  }
}

/** The newest regular set on the remote, as `latest` means locally. */
export function latestRemote(listing: RemoteListing): (RemoteSet & { manifest: Manifest }) | undefined {
  return listing.sets.find((s) => !isSafety(s.manifest));
}

/** A failed rclone call: what failed and where, rclone's own last lines, then what to do. */
export function remoteError(remote: RemoteSpec, what: string, cause: Error): OpsError {
  return new OpsError(`Could not ${what} on remote ${remote.name}: ${cause.message}`, `Check that the remote is reachable and its credentials are right (rclone lsd ${remote.base.split('/')[0]} with the same settings), then run the command again.`);
}

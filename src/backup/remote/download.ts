import { rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SelectedEnvironment } from '../../config/select.js';
import type { Context } from '../../context.js';
import { OpsError, UsageError } from '../../errors.js';
import { registerCleanup } from '../../process/cleanup.js';
import { hashFile } from '../digest.js';
import { MANIFEST_FILE, readManifest, type Manifest } from '../manifest.js';
import { ensureDir, listSets, partialName, publishSet } from '../sets.js';
import { latestRemote, listRemote, type RemoteSet } from './listing.js';
import { downloadCommand } from './rclone.js';
import { join, type RemoteSpec } from './spec.js';

type CompleteSet = RemoteSet & { manifest: Manifest };

/** A complete set on the remote by id or `latest`; a usage error naming the newest ones otherwise. */
export async function findRemoteSet(ctx: Context, remote: RemoteSpec, id: string): Promise<CompleteSet> {
  const listing = await listRemote(ctx, remote);
  const found = id === 'latest' ? latestRemote(listing) : listing.sets.find((s) => s.id === id);
  if (found) return found;
  const partial = listing.incomplete.find((s) => s.id === id);
  if (partial) throw new UsageError(`Set ${id} on ${remote.name} is not complete: ${partial.problem}.`, 'Pick another set: opsctl backup list --remote.');
  const known = listing.sets.slice(0, 5).map((s) => s.id);
  throw new UsageError(`No complete set "${id}" on remote ${remote.name}.`, known.length > 0 ? `The newest there: ${known.join(', ')} (opsctl backup list --remote).` : 'Nothing has been uploaded there yet: opsctl backup uploads each new set.');
}

/**
 * Downloads every file of the set into `into/<id>`, then checks each part's size and sha256 against the
 * manifest (the stored bytes: an encrypted part is checked without its key). A mismatch removes nothing
 * local and is an error naming the part.
 */
export async function downloadSet(ctx: Context, remote: RemoteSpec, set: CompleteSet, into: string): Promise<string> {
  const dir = path.join(into, set.id);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const step = ctx.log.step(`${set.id}: downloading from ${remote.name}`);
  for (const name of [...set.files.keys()].filter((n) => n !== MANIFEST_FILE).concat(MANIFEST_FILE)) {
    if (!/^[\w-][\w.-]*$/.test(name)) continue;
    await ctx.runner.run(downloadCommand(remote, join(remote.base, set.id, name), path.join(dir, name)), { signal: ctx.signal });
  }
  const read = await readManifest(dir);
  if ('problem' in read) throw new OpsError(`Set ${set.id} from ${remote.name}: ${read.problem}.`, 'Pick another set: opsctl backup list --remote.');
  for (const part of read.manifest.parts) {
    const got = await hashFile(path.join(dir, part.file), ctx.signal).catch(() => undefined);
    if (!got || got.sha256 !== part.sha256 || got.bytes !== part.bytes) {
      step.fail();
      throw new OpsError(`Part ${part.name} of set ${set.id} on ${remote.name} does not match its manifest (${got ? 'sha256 differs' : 'missing'}): nothing was restored.`, 'Pick another set (opsctl backup list --remote), and check the remote: the copy there is damaged.');
    }
  }
  step.done(`${set.id}: downloaded from ${remote.name}, every part matches its manifest`);
  return dir;
}

/** A folder in the backup folder (same disk, removed by the next backup if this run is killed) for `use`, then gone. */
export async function withScratch<T>(env: SelectedEnvironment, dir: string, label: string, use: (scratch: string) => Promise<T>): Promise<T> {
  await ensureDir(dir);
  const scratch = path.join(dir, partialName(env.name, label));
  const unregister = registerCleanup(() => rmSync(scratch, { recursive: true, force: true }));
  try {
    await mkdir(scratch, { mode: 0o700 });
    return await use(scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
    unregister();
  }
}

/** backup pull: the remote set becomes a local set again, under its own id. */
export async function pullSet(ctx: Context, env: SelectedEnvironment, dir: string, remote: RemoteSpec, id: string): Promise<string> {
  const set = await findRemoteSet(ctx, remote, id);
  const { sets } = await listSets(dir, env.name);
  if (sets.some((s) => s.id === set.id)) throw new UsageError(`Set ${set.id} is already in ${dir}.`, 'Nothing to pull; restore it as it is: opsctl restore ' + set.id);
  if (ctx.dryRun) {
    ctx.log.plan(`would download ${set.id} (${set.files.size} files) from ${remote.name} into ${dir}`);
    return set.id;
  }
  return withScratch(env, dir, `pull-${set.id}`, async (scratch) => publishSet(await downloadSet(ctx, remote, set, scratch), dir, set.id));
}

import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import type { CommandResult, Context } from '../context.js';
import { toOpsError, UsageError } from '../errors.js';
import { journalOf, recordOperation } from '../history/journal.js';
import { withLock } from '../history/lock.js';
import { createSet, type CreatedSet } from '../backup/create.js';
import { abortedOr } from '../backup/abort.js';
import { discard } from '../backup/digest.js';
import { alertFailure, ping } from '../backup/notify.js';
import { isGlobalsPart, planParts, type PartPlan } from '../backup/parts.js';
import { preflight } from '../backup/preflight.js';
import { datedSets, deleteSet, planPrune, type PrunePlan } from '../backup/prune.js';
import { applyRetention, isEmptyPolicy, type RetentionPolicy } from '../backup/retention.js';
import { findSet, listSets, skippedSets, type BackupSet } from '../backup/sets.js';
import { IDENTITY_VARIABLE, identityFor } from '../backup/age.js';
import { isSafety } from '../backup/manifest.js';
import { databaseAdapter } from '../databases/index.js';
import { restoreTest, verifySet, type Verification } from '../backup/verify.js';
import { renderCreated, renderList, renderPrune, renderVerification, type ListedSet } from '../backup/render.js';
import { copiesByRemote, listRemotes, uploadToRemotes, type RemoteList } from '../backup/remote/actions.js';
import { pullSet } from '../backup/remote/download.js';
import { pruneRemote, type RemotePrune } from '../backup/remote/prune.js';
import { renderPulled, renderRemoteList, renderRemotePrunes, renderUploads } from '../backup/remote/render.js';
import { oneRemote, remotesOf } from '../backup/remote/spec.js';
import type { Upload } from '../backup/remote/upload.js';
import type { Style } from '../output/style.js';
import { plural } from '../output/table.js';

export interface BackupOptions {
  restoreTest?: boolean;
  /** list/prune --remote [name]: the remotes instead of the local folder (true: every remote). */
  remote?: string | boolean;
  /** pull --from <remote>. */
  from?: string;
  /** backup verify: the age identity that decrypts encrypted parts (else OPSCTL_AGE_IDENTITY). */
  identity?: string;
}

export type BackupData =
  | { action: 'create'; environment: string; dryRun: boolean; set: CreatedSet | null; planned: string[] }
  | { action: 'list'; environment: string; dir: string; policy: RetentionPolicy | null; sets: ListedSet[]; incomplete: { name: string; problem: string }[] }
  | { action: 'verify'; environment: string; verification: Verification }
  | { action: 'prune'; environment: string; dryRun: boolean; plan: PrunePlan; removed: string[] }
  | { action: 'list-remote'; environment: string; remotes: RemoteList[] }
  | { action: 'prune-remote'; environment: string; dryRun: boolean; remotes: RemotePrune[] }
  | { action: 'pull'; environment: string; dryRun: boolean; id: string; remote: string }
  | { action: 'upload'; environment: string; dryRun: boolean; uploads: Upload[] };

const ACTIONS = ['list', 'verify', 'prune', 'pull', 'upload'];
const TAKES_ID = ['verify', 'pull'];

export async function run(ctx: Context, options: BackupOptions, args: string[]): Promise<CommandResult<BackupData>> {
  const [action, id, ...rest] = args;
  if (action !== undefined && !ACTIONS.includes(action)) {
    throw new UsageError(`Unknown backup action "${action}".`, 'Use: opsctl backup, opsctl backup list, opsctl backup verify <id>, opsctl backup prune.');
  }
  if (rest.length > 0 || (id !== undefined && !TAKES_ID.includes(action ?? ''))) throw new UsageError(`Unexpected argument "${rest[0] ?? id}".`, 'Only backup verify and backup pull take an id.');
  const env = ctx.environment();
  const dir = resolveFrom(env, env.config.backup?.dir ?? 'backups');
  const remoteName = typeof options.remote === 'string' ? options.remote : undefined;
  if (action === 'list' && options.remote) return { data: { action: 'list-remote', environment: env.name, remotes: await listRemotes(ctx, env, remoteName) } };
  if (action === 'list') return { data: await list(ctx, env, dir) };
  if (action === 'prune' && options.remote) return { data: await pruneRemotes(ctx, env, remoteName) };
  if (action === 'prune') return { data: await prune(ctx, env, dir) };
  if (action === 'upload') return { data: await upload(ctx, env, dir, remoteName) };
  if (action === 'pull') {
    if (!id) throw new UsageError('backup pull needs the id of a set on the remote.', 'Run opsctl backup list --remote to see them, or use latest.');
    const remote = oneRemote(env, options.from);
    const pull = () => pullSet(ctx, env, dir, remote, id);
    const pulled = ctx.dryRun ? await pull() : await withLock(env.stateDir, env.name, `opsctl backup pull ${id}`, pull);
    return { data: { action: 'pull', environment: env.name, dryRun: ctx.dryRun, id: pulled, remote: remote.name } };
  }
  if (action === 'verify') {
    if (!id) throw new UsageError('backup verify needs the id of a set.', 'Run opsctl backup list to see them, or use latest.');
    const data = await verify(ctx, env, dir, id, options);
    return { data, exitCode: data.verification.ok ? 0 : 1 };
  }
  return { data: await create(ctx, env, dir) };
}

/** Under cron nobody reads the exit code: once the environment is known, every failure (config, lock, run) pings /fail and alerts. */
async function create(ctx: Context, env: SelectedEnvironment, dir: string): Promise<BackupData> {
  if (ctx.dryRun) return { action: 'create', environment: env.name, dryRun: true, set: null, planned: await planOnly(ctx, env, planParts(env), dir) };
  try {
    const parts = planParts(env);
    return await withLock(env.stateDir, env.name, 'opsctl backup', async () => {
      await ping(ctx, env, 'start', `backup of ${env.app} ${env.name} started`);
      const set = await recordOperation(journalOf(ctx, env), 'backup', async () => {
        const created = await createSet(ctx, env, parts, { backupDir: dir });
        return { value: created, details: { id: created.id, dir: created.dir, bytes: created.manifest.bytes, parts: created.manifest.parts.map((p) => ({ name: p.name, kind: p.kind, bytes: p.bytes, sha256: p.sha256 })) } };
      });
      ctx.log.info(`backup ${set.id} of ${env.name} complete: ${plural(set.manifest.parts.length, 'part')} in ${set.dir}`);
      // Off-site after the set is whole locally; a failed upload throws here, so it pings /fail and alerts below.
      await uploadToRemotes(ctx, env, dir);
      await ping(ctx, env, 'success', `backup ${set.id} complete`);
      return { action: 'create', environment: env.name, dryRun: false, set, planned: [] };
    });
  } catch (caught) {
    const error = abortedOr(ctx.signal, caught);
    const failure = toOpsError(error);
    await ping(ctx, env, 'fail', failure.message);
    if (failure.code !== 'interrupted') await alertFailure(ctx, env, 'backup', failure.message.split('\n')[0]!);
    throw error;
  }
}

/** --dry-run: every check that reads only, then the commands that would write, as `would run:` lines. */
async function planOnly(ctx: Context, env: SelectedEnvironment, parts: readonly PartPlan[], dir: string): Promise<string[]> {
  await preflight(ctx, parts);
  const planned: string[] = [];
  for (const part of parts) {
    if (part.kind !== 'files') await part.adapter.backup.dump(ctx, part.conn, { to: discard() });
    else ctx.log.plan(`would pack ${part.paths.join(', ')} into ${part.file}`);
    planned.push(`${part.name} -> ${part.file}`);
  }
  ctx.log.plan(`would write manifest.json last and publish the set in ${dir}`);
  for (const remote of remotesOf(env)) ctx.log.plan(`would upload it to ${remote.name} (${remote.base}), file by file, manifest.json last`);
  return planned;
}

async function list(ctx: Context, env: SelectedEnvironment, dir: string): Promise<BackupData> {
  const { sets, incomplete } = await listSets(dir, env.name);
  const policy = env.config.backup?.retention;
  const decisions = isEmptyPolicy(policy) ? undefined : new Map(applyRetention(datedSets(sets), policy!, ctx.now()).map((d) => [d.id, d]));
  const copies = remotesOf(env).length > 0 ? await copiesByRemote(ctx, env) : undefined;
  const listed = sets.map((set): ListedSet => {
    const decision = decisions?.get(set.id);
    return {
      id: set.id,
      createdAt: set.manifest.createdAt,
      ageMs: ctx.now() - Date.parse(set.manifest.createdAt),
      bytes: set.manifest.bytes,
      parts: set.manifest.parts.map((p) => p.name),
      kind: isSafety(set.manifest) ? 'safety' : 'regular',
      reason: set.manifest.reason ?? null,
      keptBy: decision ? (decision.keep ? decision.reasons : null) : [],
      ...(copies ? { copies: ['local', ...(copies.get(set.id) ?? [])] } : {}),
    };
  });
  return { action: 'list', environment: env.name, dir, policy: policy && !isEmptyPolicy(policy) ? policy : null, sets: listed, incomplete };
}

async function verify(ctx: Context, env: SelectedEnvironment, dir: string, id: string, options: BackupOptions): Promise<Extract<BackupData, { action: 'verify' }>> {
  const set = await findSet(dir, env.name, id);
  // Without an identity an encrypted part is checked by its sha256 alone; a restore test cannot do without it.
  const identity = options.restoreTest ? identityFor(options.identity, set.manifest.parts) : (options.identity ?? process.env[IDENTITY_VARIABLE]);
  const step = ctx.log.step(`verifying ${set.id}`);
  const verification = await verifySet(ctx, env, set, undefined, identity);
  if (verification.ok) step.done(`${set.id}: every part matches its manifest`);
  else step.fail(`${set.id}: ${verification.parts.filter((p) => !p.ok).map((p) => `${p.name}: ${p.problem}`).join('; ')}`);
  if (options.restoreTest && verification.ok) await runRestoreTests(ctx, env, set, verification, identity);
  return { action: 'verify', environment: env.name, verification };
}

async function runRestoreTests(ctx: Context, env: SelectedEnvironment, set: BackupSet, verification: Verification, identity: string | undefined): Promise<void> {
  // Only a kind with scratch databases (PostgreSQL) can be restore-tested.
  const pgParts = set.manifest.parts.filter((p) => p.kind !== 'files' && databaseAdapter(p.kind).backup?.scratch && !isGlobalsPart(p.name));
  if (pgParts.length === 0) ctx.log.warn(`${set.id} has no PostgreSQL part: nothing to restore-test`);
  for (const part of pgParts) {
    const test = await restoreTest(ctx, env, set, part, identity);
    verification.restoreTests.push(test);
    if (!test.ok) verification.ok = false;
  }
}

async function prune(ctx: Context, env: SelectedEnvironment, dir: string): Promise<BackupData> {
  const plan = async () => {
    const listing = await listSets(dir, env.name);
    for (const message of skippedSets(listing, dir)) ctx.log.warn(message);
    return planPrune(listing.sets, env.config.backup?.retention, ctx.now());
  };
  if (ctx.dryRun) {
    const planned = await plan();
    for (const gone of planned.remove) ctx.log.plan(`would remove ${gone.id}: ${gone.reasons.join('; ')}`);
    return { action: 'prune', environment: env.name, dryRun: true, plan: planned, removed: [] };
  }
  return withLock(env.stateDir, env.name, 'opsctl backup prune', () =>
    recordOperation(journalOf(ctx, env), 'backup-prune', async () => {
      const planned = await plan();
      const { sets } = await listSets(dir, env.name);
      const removed: string[] = [];
      for (const gone of planned.remove) {
        const set = sets.find((s) => s.id === gone.id)!;
        await deleteSet(set, env.name);
        removed.push(gone.id);
        ctx.log.info(`removed ${gone.id}: ${gone.reasons.join('; ')}`);
      }
      const data: BackupData = { action: 'prune', environment: env.name, dryRun: false, plan: planned, removed };
      return { value: data, details: { removed, kept: planned.keep.map((k) => k.id) } };
    }),
  );
}

/** backup upload: what each remote lacks, sent now (the same step a backup ends with). */
async function upload(ctx: Context, env: SelectedEnvironment, dir: string, name: string | undefined): Promise<BackupData> {
  if (remotesOf(env, name).length === 0) throw new UsageError(`${env.name} has no backup.remotes: nothing to upload to.`, 'Add one under backup.remotes in opsctl.yaml (see README, "Off-site copies").');
  const send = () => uploadToRemotes(ctx, env, dir, name);
  const uploads = ctx.dryRun ? await send() : await withLock(env.stateDir, env.name, 'opsctl backup upload', send);
  return { action: 'upload', environment: env.name, dryRun: ctx.dryRun, uploads };
}

async function pruneRemotes(ctx: Context, env: SelectedEnvironment, name: string | undefined): Promise<BackupData> {
  const remotes = remotesOf(env, name);
  const work = async () => {
    const prunes: RemotePrune[] = [];
    for (const remote of remotes) prunes.push(await pruneRemote(ctx, remote));
    return prunes;
  };
  if (ctx.dryRun) return { action: 'prune-remote', environment: env.name, dryRun: true, remotes: await work() };
  return withLock(env.stateDir, env.name, 'opsctl backup prune --remote', () =>
    recordOperation(journalOf(ctx, env), 'backup-prune', async () => {
      const prunes = await work();
      return { value: { action: 'prune-remote' as const, environment: env.name, dryRun: false, remotes: prunes }, details: { remotes: prunes.map((p) => ({ remote: p.remote, removed: p.removed })) } };
    }),
  );
}

export function render(data: BackupData, style: Style): string {
  switch (data.action) {
    case 'list-remote':
      return renderRemoteList(data.remotes, style);
    case 'prune-remote':
      return renderRemotePrunes(data.remotes, data.dryRun, style);
    case 'pull':
      return renderPulled(data.id, data.remote, data.dryRun, style);
    case 'upload':
      return renderUploads(data.uploads, style);
    case 'create':
      return renderCreated(data, style);
    case 'list':
      return renderList(data, style);
    case 'verify':
      return renderVerification(data.verification, style);
    case 'prune':
      return renderPrune(data, style);
  }
}

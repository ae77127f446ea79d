import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { OpsError, UsageError } from '../errors.js';
import { journalOf, recordOperation } from '../history/journal.js';
import { confirmByTyping } from '../output/confirm.js';
import { identityFor } from './age.js';
import { createSet } from './create.js';
import { planRestore, restorePart, safetyParts, selectTables, type RestoreTarget } from './restore.js';
import { isGlobalsPart } from './parts.js';
import { findSet, type BackupSet } from './sets.js';
import { verifySet, type Verification } from './verify.js';

export interface RestoreOptions {
  only?: string;
  to?: string;
  /** Tables of the one database part (--only), comma-separated: `users,audit.events`. */
  tables?: string;
  /** commander's --no-safety-backup. */
  safetyBackup?: boolean;
  /** The age identity for encrypted parts (else OPSCTL_AGE_IDENTITY). */
  identity?: string;
  /** restore --from <remote>: the set is downloaded from there first. */
  from?: string;
  /** --from-env: the environment whose set is restored (into this one's databases). */
  fromEnv?: string;
}

/** Where the set is looked up: this environment's sets, another's (--from-env), or a download of a remote's (--from). */
export interface SetSource {
  environment: string;
  dir: string;
}

export interface RestoreData {
  environment: string;
  /** The environment whose set it was, when another one's (--from-env). */
  from?: string;
  id: string;
  dryRun: boolean;
  verification: Verification;
  safetySet: string | null;
  restored: { name: string; kind: string; into: string; tables?: string[] }[];
}

/**
 * Verifies set `id` (read from `from`, else this environment's sets in `dir`), confirms, takes a safety
 * backup of what will be overwritten into `dir`, restores each part and journals it. The caller holds the environment's lock (restore, rollback --restore-db).
 */
export async function restoreSet(ctx: Context, env: SelectedEnvironment, dir: string, id: string, options: RestoreOptions, from?: SetSource): Promise<RestoreData> {
  const source = from ?? { environment: env.name, dir };
  const set = await findSet(source.dir, source.environment, id, (message) => ctx.log.warn(message));
  const crossing = source.environment !== env.name;
  const { only, tables, planned } = planParts(ctx, env, set, options, crossing);
  const takeSafety = options.safetyBackup !== false && options.to === undefined;
  // A safety set of another database filed among this environment's sets would be restored over
  // this environment's own database by a later `restore latest`: with --to there is none.
  if (options.to !== undefined && options.safetyBackup !== false) {
    ctx.log.warn(`--to: NO safety backup of ${planned.map((t) => (t.into.kind === 'files' ? t.into.cwd : t.into.conn.safeUrl)).join(', ')} is taken; back it up yourself first if it holds data you need`);
  }

  // Encrypted parts: the identity is checked before anything, and verification decrypts each part once.
  const identity = identityFor(options.identity, planned.map((t) => t.part));
  const step = ctx.log.step(`verifying ${set.id} before restoring it`);
  const verification = await verifySet(ctx, env, set, only, identity);
  if (!verification.ok) {
    const problems = verification.parts.filter((p) => !p.ok).map((p) => `${p.name}: ${p.problem}`).join('; ');
    step.fail();
    throw new OpsError(`Set ${set.id} failed verification, nothing was restored: ${problems}.`, 'Pick another set (opsctl backup list) and verify it: opsctl backup verify <id>.');
  }
  step.done(`${set.id} verified`);
  // --tables: a table the dump lacks is an error before anything is confirmed or touched.
  const targets = tables ? await Promise.all(planned.map((t) => selectTables(ctx, set, t, identity, tables))) : planned;
  const data: RestoreData = { environment: env.name, ...(crossing ? { from: source.environment } : {}), id: set.id, dryRun: ctx.dryRun, verification, safetySet: null, restored: [] };
  if (!ctx.dryRun) await confirm(ctx, env, set, targets);

  const work = async () => {
    if (takeSafety) data.safetySet = await safetyBackup(ctx, env, dir, set, targets);
    for (const target of targets) {
      const s = ctx.log.step(`${target.part.name}: restoring ${target.part.file}`);
      try {
        const into = await restorePart(ctx, set, target, identity);
        data.restored.push({ name: target.part.name, kind: target.part.kind, into, ...(target.selection ? { tables: [...target.selection.tables] } : {}) });
        s.done(`${target.part.name}: restored`);
      } catch (error) {
        s.fail(`${target.part.name}: restore failed${data.safetySet ? `; the state before is in set ${data.safetySet}` : ''}`);
        throw error;
      }
    }
    return data;
  };
  if (ctx.dryRun) return work();
  return recordOperation(journalOf(ctx, env), 'restore', async () => {
    const result = await work();
    return { value: result, details: { id: set.id, ...(crossing ? { from: source.environment } : {}), safetySet: result.safetySet, restored: result.restored } };
  });
}

/** The parts to restore and where to: --only, else every part but globals (and, from another environment, its databases only). */
function planParts(ctx: Context, env: SelectedEnvironment, set: BackupSet, options: RestoreOptions, crossing: boolean) {
  const only = listOf(options.only) ?? (crossing ? crossingParts(ctx, set, env.name) : undefined);
  const tables = listOf(options.tables);
  const planned = planRestore(env, set, only, options.to, tables);
  const globals = set.manifest.parts.filter((p) => isGlobalsPart(p.name) && !only?.includes(p.name)).map((p) => p.name);
  if (globals.length > 0) ctx.log.info(`cluster globals (roles) are restored only when named: --only ${globals.join(',')}`);
  return { only, tables, planned };
}

/** Another environment's set: its databases only; its files (its .env among them) only when --only names them. */
function crossingParts(ctx: Context, set: BackupSet, into: string): string[] {
  const databases = set.manifest.parts.filter((p) => p.kind !== 'files' && !isGlobalsPart(p.name)).map((p) => p.name);
  if (databases.length === 0) throw new UsageError(`Set ${set.id} of ${set.manifest.environment} holds no database.`, `Restore its files into ${into} with --only ${set.manifest.parts.map((p) => p.name).join(',')}.`);
  if (databases.length < set.manifest.parts.length) ctx.log.info(`the files of ${set.manifest.environment}'s set are left out; name them with --only to restore them into ${into}`);
  return databases;
}

function listOf(value: string | undefined): string[] | undefined {
  return value?.split(',').map((s) => s.trim()).filter(Boolean);
}

async function confirm(ctx: Context, env: SelectedEnvironment, set: BackupSet, targets: readonly RestoreTarget[]): Promise<void> {
  if (ctx.assumeYes) return;
  const what = targets.map((t) => `${t.part.name}${t.selection ? ` (tables ${t.selection.tables.join(', ')})` : ''} -> ${t.into.kind === 'files' ? t.into.paths.join(', ') : t.into.conn.safeUrl}`).join('; ');
  if (!ctx.interactive) {
    throw new UsageError(`restore replaces the current data of ${env.name} (${what}) and needs confirmation.`, 'Pass --yes to confirm without a terminal.');
  }
  const of = set.manifest.environment === env.name ? '' : ` of ${set.manifest.environment}`;
  await confirmByTyping(`Restore set ${set.id}${of} (${set.manifest.createdAt}) over ${env.name}: ${what}.`, env.name, 'nothing was restored', ctx.signal);
}

async function safetyBackup(ctx: Context, env: SelectedEnvironment, dir: string, set: BackupSet, targets: readonly RestoreTarget[]): Promise<string | null> {
  const parts = safetyParts(targets);
  if (parts.length === 0) return null;
  if (ctx.dryRun) {
    ctx.log.plan(`would take a safety backup of ${parts.map((p) => p.name).join(', ')} first`);
    return null;
  }
  ctx.log.info(`safety backup of the current state first (skip with --no-safety-backup)`);
  const created = await createSet(ctx, env, parts, { backupDir: dir, reason: `safety before restore of ${set.id}`, safety: true });
  ctx.log.info(`safety backup ${created.id} taken: restore it to undo this restore`);
  return created.id;
}

import path from 'node:path';
import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { OpsError, UsageError } from '../errors.js';
import { withDecrypted } from './age.js';
import { extractFiles, type ArchiveSource } from './files.js';
import { partSource } from './part-source.js';
import type { DumpInput, DumpReader, TableSelection } from '../databases/types.js';
import type { PartManifest } from './manifest.js';
import { adapterForUrl } from '../databases/index.js';
import { databasePart, FILES_PART, isGlobalsPart, partDatabase, partFor, type PartPlan } from './parts.js';
import type { BackupSet } from './sets.js';
import { requireResolved } from '../config/interpolate.js';
import { existsSync } from 'node:fs';

/** A part of the set and where it goes back to. */
export interface RestoreTarget {
  part: PartManifest;
  into: PartPlan;
  /** restore --tables: only these tables of the part. */
  selection?: TableSelection;
}

/** The parts to restore (all, or --only), each with its destination: the config's database, --to, or the files' own paths. */
export function planRestore(env: SelectedEnvironment, set: BackupSet, only: readonly string[] | undefined, to: string | undefined, tables?: readonly string[]): RestoreTarget[] {
  const names = set.manifest.parts.map((p) => p.name);
  const unknown = (only ?? []).filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new UsageError(`Set ${set.id} has no part ${unknown.join(', ')}.`, `Its parts: ${names.join(', ')}.`);
  // Cluster globals (roles) are restored only when named: they change the whole server, not one database.
  const parts = set.manifest.parts.filter((p) => (only ? only.includes(p.name) : !isGlobalsPart(p.name)));
  if (to !== undefined) {
    const databases = parts.filter((p) => p.kind !== 'files');
    if (databases.length !== 1 || parts.length !== 1) {
      throw new UsageError('--to restores one database part into another database.', `Pick the part with --only (${names.filter((n) => n !== FILES_PART).join(', ')}).`);
    }
  }
  const targets = parts.map((part) => ({ part, into: destination(env, part, to) }));
  if (tables) checkTables(targets, names, tables);
  return targets;
}

/** restore --tables: reads the part's listing (decrypting it when encrypted, under --dry-run too) and keeps what to restore on the target. */
export async function selectTables(ctx: Context, set: BackupSet, target: RestoreTarget, identity: string | undefined, tables: readonly string[]): Promise<RestoreTarget> {
  if (target.into.kind === 'files' || !target.into.adapter.backup.selectTables) return target;
  const read = readerOf(partSource(ctx, set, target.part, identity));
  return { ...target, selection: await target.into.adapter.backup.selectTables(ctx, read, tables, target.part.name) };
}

/** Each read opens the part afresh: a decrypting stream is read once. */
function readerOf(source: ArchiveSource): DumpReader {
  return (use) => (typeof source === 'string' ? use(source) : withDecrypted(source(), use));
}

/** --tables picks tables of one database part, of a kind that has tables. */
function checkTables(targets: readonly RestoreTarget[], names: readonly string[], tables: readonly string[]): void {
  if (tables.length === 0) throw new UsageError('--tables names no table.', 'Write them comma-separated: --tables users,user_sessions (schema.table where a name is in several schemas).');
  const [only, ...more] = targets;
  if (!only || more.length > 0 || only.into.kind === 'files') {
    throw new UsageError('--tables restores tables of one database part.', `Pick the part with --only (${names.filter((n) => n !== FILES_PART).join(', ')}).`);
  }
  if (!only.into.adapter.backup.selectTables) throw new UsageError(`--tables: part ${only.part.name} is a ${only.part.kind} dump, which opsctl restores only whole.`, 'Leave out --tables to restore the whole part.');
}

function destination(env: SelectedEnvironment, part: PartManifest, to: string | undefined): PartPlan {
  if (part.kind === 'files') {
    // Where files may be written comes from the config, never from the set's own manifest.
    const paths = env.config.backup?.files ?? [];
    if (paths.length === 0) throw new UsageError(`Part ${part.name} holds files, but backup.files of ${env.name} is empty: opsctl restores files only inside those paths.`, 'List the paths under backup.files in opsctl.yaml, or leave the part out with --only.');
    return { kind: 'files', name: part.name, file: part.file, paths, cwd: env.dir };
  }
  if (to === undefined) {
    // A set of another environment (--from-env), or of a config since changed: its part names a database this one may lack.
    if (!env.config.databases[partDatabase(env, part.name)]) throw new UsageError(`Part ${part.name} has no database of that name in ${env.name}.`, `Define databases.${partDatabase(env, part.name)} under ${env.name} in opsctl.yaml, or restore it elsewhere: --only ${part.name} --to <database>.`);
    return databasePart(env, part.name);
  }
  if (isGlobalsPart(part.name)) throw new UsageError(`--to restores a database dump; part ${part.name} holds the cluster's roles.`, `Restore it into the server of a configured database: --only ${part.name} without --to.`);
  // --to names a database of the config (its URL stays out of argv and shell history) or is a URL.
  const named = env.config.databases[to];
  const url = named ? requireResolved(named.url, `databases.${to}.url`, env.envFile) : to;
  // A URL of no kind opsctl backs up is read as the part's own kind: its parse error names the schemes expected.
  const byScheme = adapterForUrl(url);
  const type = named?.type ?? (byScheme?.backup ? byScheme.kind : part.kind);
  const plan = partFor(type, part.name, url, named ? `databases.${to}.url` : '--to');
  if (plan.kind !== part.kind) throw new UsageError(`--to is a ${plan.kind} database; part ${part.name} is a ${part.kind} dump.`, 'Restore a dump into a database of the same kind.');
  return plan;
}

/** What a safety backup of the current state covers: the destinations, files only where they exist now. */
export function safetyParts(targets: readonly RestoreTarget[]): PartPlan[] {
  return targets.flatMap(({ into }): PartPlan[] => {
    if (into.kind !== 'files') return [into];
    const present = into.paths.filter((p) => existsSync(path.resolve(into.cwd, p)));
    return present.length > 0 ? [{ ...into, paths: present }] : [];
  });
}

/** Puts one part back: a database by its adapter (PostgreSQL in one transaction, then ANALYZE), files into their paths. */
export async function restorePart(ctx: Context, set: BackupSet, target: RestoreTarget, identity?: string): Promise<string> {
  const { into, selection } = target;
  // Under --dry-run nothing is decrypted: the plan names the stored file.
  const source = ctx.dryRun ? path.join(set.dir, target.part.file) : partSource(ctx, set, target.part, identity);
  if (into.kind !== 'files') {
    const read = readerOf(source);
    if (selection) await selection.restore(ctx, into.conn, read);
    else await read((dump: DumpInput) => into.adapter.backup.restore(ctx, into.conn, dump, target.part.source));
    return into.conn.safeUrl;
  }
  if (ctx.dryRun) {
    ctx.log.plan(`would extract ${target.part.file} into ${into.cwd} (${into.paths.join(', ')})`);
    return into.cwd;
  }
  const count = await extractFiles(source, into.cwd, into.paths);
  if (count === 0) throw new OpsError(`${target.part.file} held nothing to restore.`, 'Check the set with opsctl backup verify.');
  return into.cwd;
}

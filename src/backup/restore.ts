import path from 'node:path';
import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { OpsError, UsageError } from '../errors.js';
import { extractFiles } from './files.js';
import type { PartManifest } from './manifest.js';
import { mongorestoreCommand, writeMongoSecret } from './mongo.js';
import { databasePart, FILES_PART, partFor, type PartPlan } from './parts.js';
import { pgRestoreCommand, psqlCommand } from './postgres.js';
import type { BackupSet } from './sets.js';
import { requireResolved } from '../config/interpolate.js';
import { existsSync } from 'node:fs';

/** A part of the set and where it goes back to. */
export interface RestoreTarget {
  part: PartManifest;
  into: PartPlan;
}

/** The parts to restore (all, or --only), each with its destination: the config's database, --to, or the files' own paths. */
export function planRestore(env: SelectedEnvironment, set: BackupSet, only: readonly string[] | undefined, to: string | undefined): RestoreTarget[] {
  const names = set.manifest.parts.map((p) => p.name);
  const unknown = (only ?? []).filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new UsageError(`Set ${set.id} has no part ${unknown.join(', ')}.`, `Its parts: ${names.join(', ')}.`);
  const parts = set.manifest.parts.filter((p) => !only || only.includes(p.name));
  if (to !== undefined) {
    const databases = parts.filter((p) => p.kind !== 'files');
    if (databases.length !== 1 || parts.length !== 1) {
      throw new UsageError('--to restores one database part into another database.', `Pick the part with --only (${names.filter((n) => n !== FILES_PART).join(', ')}).`);
    }
  }
  return parts.map((part) => ({ part, into: destination(env, part, to) }));
}

function destination(env: SelectedEnvironment, part: PartManifest, to: string | undefined): PartPlan {
  if (part.kind === 'files') {
    // Where files may be written comes from the config, never from the set's own manifest.
    const paths = env.config.backup?.files ?? [];
    if (paths.length === 0) throw new UsageError(`Part ${part.name} holds files, but backup.files of ${env.name} is empty: opsctl restores files only inside those paths.`, 'List the paths under backup.files in opsctl.yaml, or leave the part out with --only.');
    return { kind: 'files', name: part.name, file: part.file, paths, cwd: env.dir };
  }
  if (to === undefined) return databasePart(env, part.name);
  // --to names a database of the config (its URL stays out of argv and shell history) or is a URL.
  const named = env.config.databases[to];
  const url = named ? requireResolved(named.url, `databases.${to}.url`, env.envFile) : to;
  const plan = partFor(named?.type ?? (/^mongodb(\+srv)?:/.test(url) ? 'mongo' : 'postgres'), part.name, url, named ? `databases.${to}.url` : '--to');
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

/** Puts one part back. PostgreSQL in one transaction (a failure leaves the database as it was), then ANALYZE. */
export async function restorePart(ctx: Context, set: BackupSet, target: RestoreTarget): Promise<string> {
  const file = path.join(set.dir, target.part.file);
  const { into } = target;
  switch (into.kind) {
    case 'postgres':
      await ctx.runner.run(pgRestoreCommand(into.conn, file));
      await ctx.runner.run(psqlCommand(into.conn, 'ANALYZE', { readOnly: false }));
      return into.conn.safeUrl;
    case 'mongo': {
      if (ctx.dryRun) {
        // Nothing is written under --dry-run, not even the temporary password file.
        await ctx.runner.run(mongorestoreCommand(into.conn, into.conn.password ? '<temporary 0600 file>' : undefined, file, databaseOf(target.part.source)));
        return into.conn.safeUrl;
      }
      const secret = writeMongoSecret(into.conn);
      try {
        await ctx.runner.run(mongorestoreCommand(into.conn, secret.file, file, databaseOf(target.part.source)));
      } finally {
        secret.remove();
      }
      return into.conn.safeUrl;
    }
    case 'files': {
      if (ctx.dryRun) {
        ctx.log.plan(`would extract ${target.part.file} into ${into.cwd} (${into.paths.join(', ')})`);
        return into.cwd;
      }
      const count = await extractFiles(file, into.cwd, into.paths);
      if (count === 0) throw new OpsError(`${target.part.file} held nothing to restore.`, 'Check the set with opsctl backup verify.');
      return into.cwd;
    }
  }
}

function databaseOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || undefined;
  } catch {
    return undefined;
  }
}

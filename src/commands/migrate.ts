import { resolveFrom } from '../config/select.js';
import type { CommandResult, Context } from '../context.js';
import { createSet } from '../backup/create.js';
import { planParts } from '../backup/parts.js';
import { runMigrations, type MigrationRun } from '../deploy/migrate.js';
import { currentRelease } from '../deploy/one-off.js';
import { UsageError } from '../errors.js';
import { journalOf, recordOperation } from '../history/journal.js';
import { withLock } from '../history/lock.js';
import type { Style } from '../output/style.js';

export interface MigrateData {
  environment: string;
  dryRun: boolean;
  release: string;
  /** The set taken first (backup.beforeDeploy), which a rollback across this migration restores. */
  backup: string | null;
  migrations: MigrationRun[];
  ok: boolean;
  error: string | null;
}

/** source.migrate alone, against the release that runs now: under the lock, a backup first, journaled. */
export async function run(ctx: Context, _options: unknown, args: string[]): Promise<CommandResult<MigrateData>> {
  if (args.length > 0) throw new UsageError(`Unexpected argument "${args[0]}".`, 'opsctl migrate runs source.migrate of opsctl.yaml; for another command use opsctl exec -- <command>.');
  const env = ctx.environment();
  if ((env.config.source?.migrate.length ?? 0) === 0) throw new UsageError(`${env.name} has no source.migrate.`, 'Add it to opsctl.yaml, e.g. source: { migrate: ["npm run db:migrate"] }.');
  const release = await currentRelease(ctx.runner, env);
  const data: MigrateData = { environment: env.name, dryRun: ctx.dryRun, release: release.sha, backup: null, migrations: [], ok: false, error: null };
  const body = async () => {
    if (env.config.backup?.beforeDeploy && !ctx.dryRun) {
      const set = await createSet(ctx, env, planParts(env), { backupDir: resolveFrom(env, env.config.backup.dir), reason: `before migrate of ${release.shortSha}` });
      data.backup = set.id;
    }
    try {
      await runMigrations(ctx, env, release, data.migrations);
      data.ok = true;
    } catch (error) {
      if (ctx.signal.aborted || !(error instanceof Error)) throw error;
      data.error = error.message;
    }
    return data;
  };
  if (ctx.dryRun) return { data: await body(), exitCode: 0 };
  const done = await withLock(env.stateDir, env.name, 'opsctl migrate', () =>
    recordOperation(journalOf(ctx, env), 'migrate', async () => {
      const value = await body();
      const details = { release: release.sha, backup: value.backup, ...(value.ok ? { migrations: value.migrations.map((m) => m.command) } : { failed: value.migrations.map((m) => m.command) }) };
      return { value, result: value.ok ? 'success' : 'failed', details };
    }),
  );
  return { data: done, exitCode: done.ok ? 0 : 1 };
}

export function render(data: MigrateData, style: Style): string {
  const lines = data.migrations.map((m) => `${m.exitCode === 0 ? style.green('ok') : style.red(`exit ${m.exitCode}`)}  ${m.command}${m.output ? `\n${style.dim(m.output)}` : ''}`);
  const head = data.dryRun ? 'Dry run: would run source.migrate' : data.ok ? 'Migrated' : 'Migration failed';
  return [`${head} in release ${data.release.slice(0, 7)} of ${data.environment}${data.backup ? ` (backup ${data.backup} first)` : ''}.`, ...lines, ...(data.error ? [style.red(data.error)] : [])].join('\n');
}

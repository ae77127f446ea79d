import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { OpsError, UsageError } from '../errors.js';
import { readEntries, type HistoryEntry } from '../history/journal.js';
import { splitCommandLine } from '../process/argv.js';
import { formatCommand } from '../process/command.js';
import { redact } from '../process/redact.js';
import { plural } from '../output/table.js';
import type { Ledger } from './ledger.js';
import { oneOffCommand } from './one-off.js';
import type { SourceSession } from './session.js';
import type { PreparedRelease } from './types.js';

/** One migration command as it ran: its output (secrets masked, the last 4000 characters) goes into the result. */
export interface MigrationRun {
  command: string;
  exitCode: number;
  output: string;
  durationMs: number;
}

const OUTPUT_CHARS = 4000;

/**
 * `source.migrate`, one command after the other, each a one-off of `release` (see one-off.ts). The first
 * that fails stops the rest and throws; `runs` is filled as they go, so a failure's output is kept too.
 */
export async function runMigrations(ctx: Context, env: SelectedEnvironment, release: PreparedRelease, runs: MigrationRun[]): Promise<MigrationRun[]> {
  const lines = env.config.source?.migrate ?? [];
  for (const [index, line] of lines.entries()) {
    const argv = splitCommandLine(line, `source.migrate[${index}]`).map((arg) => arg.replaceAll('${OPSCTL_RELEASE}', release.sha));
    const cmd = await oneOffCommand(env, { release, argv }, ctx.runner);
    const started = ctx.now();
    const result = await ctx.runner.run(cmd, { allowFailure: true, signal: ctx.signal });
    const output = redact(`${result.stdout}${result.stdout && result.stderr ? '\n' : ''}${result.stderr}`.trim());
    const run = { command: formatCommand(cmd), exitCode: result.exitCode, output: output.length > OUTPUT_CHARS ? output.slice(-OUTPUT_CHARS) : output, durationMs: ctx.now() - started };
    runs.push(run);
    if (result.exitCode !== 0) {
      // The last line that says something: compose may close with a bare exit code.
      const last = output.split(/\r?\n/).filter((line) => /[a-z]/i.test(line)).pop() ?? '';
      throw new OpsError(`migration "${line}" failed (exit ${result.exitCode})${last ? `: ${last}` : ''}.`, 'Fix the migration and run it again; the result\'s migrations hold its output.');
    }
  }
  return runs;
}

/** deploy's step: after the backup and the build, before the switch. A failure leaves the old release running, and says so. */
export async function migrateStep(session: SourceSession, release: PreparedRelease, runs: MigrationRun[]): Promise<void> {
  const { ctx, env, steps, ledger } = session;
  const lines = env.config.source?.migrate ?? [];
  // Without source.migrate there is no step at all, as there is no backup step without backup.beforeDeploy.
  if (lines.length === 0) return;
  await steps.run('migrate', plural(lines.length, 'command'), async () => {
    try {
      await runMigrations(ctx, env, release, runs);
    } catch (error) {
      if (!(error instanceof OpsError) || ctx.signal.aborted) throw error;
      const old = ledger.current ? `${ledger.current.slice(0, 7)} keeps running` : 'nothing was started';
      throw new OpsError(`${error.message} The deploy stopped before the switch: ${old}.`, error.hint);
    }
  });
}

/** What a deploy's migrations left in the database, for the result, the journal and a CI job reading --json. */
export interface DatabaseState {
  /** Every source.migrate command of the release exited 0: its schema is applied. */
  migrated: boolean;
  /** Whether opsctl put the database back: an automatic rollback never does (restore or rollback --restore-db do). */
  rolledBack: boolean;
  /** The set holding the database as it was before the release first migrated; null: none was taken. */
  backup: string | null;
}

/**
 * After the migrate step: the schema of `sha` is applied. The set that undoes it is the one taken before the
 * release's oldest journaled migration (a forced redeploy's own backup already holds the migrated schema).
 */
export async function migratedState(env: SelectedEnvironment, sha: string, backup: string | null): Promise<DatabaseState> {
  const earlier = migrationsOf(await readEntries(env.stateDir, { environment: env.name, types: ['deploy', 'migrate'] }), sha);
  return { migrated: true, rolledBack: false, backup: earlier.length > 0 ? earlier.at(-1)!.backup : backup };
}

/** An automatic rollback switches the code back (or fails to), never the schema: say so, and how to undo it too. */
export function schemaStaysHint(env: { name: string; config: { backup?: { databases: string[] } } }, release: string, back: { to: string; ok: boolean }, database: DatabaseState): string {
  const [sha, old] = [release.slice(0, 7), back.to.slice(0, 7)];
  const only = env.config.backup?.databases.length ? ` --only ${env.config.backup.databases.join(',')}` : '';
  const undo = database.backup
    ? `To undo it too, restore backup set ${database.backup}, taken before ${sha} migrated (data written since is lost): opsctl restore ${database.backup} -e ${env.name}${only}.`
    : `No backup was taken before ${sha} migrated: restore an older set yourself (opsctl backup list, opsctl restore <id>), and set backup.beforeDeploy: true so the next deploy takes one.`;
  const what = back.ok ? 'Only the code was rolled back: the database' : 'Whatever runs now, the database';
  return `${what} keeps the schema of ${sha} (its migrations ran and were not undone). Whether ${old} works with that schema is up to the app. ${undo}`;
}

/** A release on the way back that changed the database: when and how, and the backup taken before. */
export interface CrossedMigration {
  sha: string;
  commands: string[];
  backup: string | null;
  at: string;
}

/** The journal's deploy and migrate entries that ran migrations for `sha`, newest first. */
function migrationsOf(entries: readonly HistoryEntry[], sha: string): CrossedMigration[] {
  return entries.flatMap((entry) => {
    const details = entry.details as { release?: unknown; migrations?: unknown; backup?: unknown } | undefined;
    if (details?.release !== sha || !Array.isArray(details.migrations) || details.migrations.length === 0) return [];
    return [{ sha, commands: details.migrations.map(String), backup: typeof details.backup === 'string' ? details.backup : null, at: entry.startedAt }];
  });
}

/** The releases between `target` and what runs now whose deploy (or `opsctl migrate`) ran migrations, newest first. */
export async function migrationsCrossed(env: SelectedEnvironment, ledger: Ledger, target: string): Promise<CrossedMigration[]> {
  const at = ledger.stack.lastIndexOf(target);
  const leaving = (at >= 0 ? ledger.stack.slice(at + 1) : ledger.stack.filter((sha) => sha !== target)).reverse();
  if (leaving.length === 0) return [];
  const entries = await readEntries(env.stateDir, { environment: env.name, types: ['deploy', 'migrate'] });
  return leaving.flatMap((sha) => migrationsOf(entries, sha));
}

/**
 * rollback's check: crossing a migration needs --restore-db (which restores the backup taken before the
 * oldest crossed migration, returned here) or --force. Returns null when nothing is crossed or --force.
 */
export async function checkMigrationsCrossed(session: SourceSession, target: string, request: { force: boolean; restoreDb: boolean }): Promise<string | null> {
  const crossed = await migrationsCrossed(session.env, session.ledger, target);
  if (crossed.length === 0) return null;
  const oldest = crossed.at(-1)!;
  const named = crossed.map((c) => `${c.sha.slice(0, 7)} (${c.commands.join(', ')}, ${c.at})`).join('; ');
  if (request.restoreDb) {
    if (!oldest.backup) throw new UsageError(`--restore-db: the migration of ${oldest.sha.slice(0, 7)} has no backup taken before it.`, 'Restore a set yourself (opsctl backup list, opsctl restore <id>), then rollback --force.');
    session.ctx.log.warn(`rolling back across migrations of ${named}: restoring backup set ${oldest.backup}, taken before ${oldest.sha.slice(0, 7)} migrated`);
    return oldest.backup;
  }
  if (request.force) {
    session.ctx.log.warn(`--force: rolling back across migrations of ${named} without restoring the database`);
    return null;
  }
  throw new UsageError(
    `Rolling back to ${target.slice(0, 7)} crosses the migrations of ${named}: the older release may not work with the migrated database.`,
    `Pass --restore-db to also restore backup set ${oldest.backup ?? '(none recorded)'} taken before them (data written since is lost), or --force to switch without touching the database.`,
  );
}

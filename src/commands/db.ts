import { durationOption, formatDuration } from '../config/duration.js';
import type { SelectedEnvironment } from '../config/select.js';
import type { CommandResult, Context } from '../context.js';
import { renderSlow, renderStats } from '../databases/render.js';
import { chooseDatabases, collectStats, type ChosenDatabase, type StatsReport } from '../databases/select.js';
import type { SlowQuery } from '../databases/stats.js';
import { UsageError } from '../errors.js';
import { exitCodeFor } from '../health/types.js';
import { journalOf, recordOperation } from '../history/journal.js';
import { confirmByTyping } from '../output/confirm.js';
import type { Style } from '../output/style.js';
import { formatBytes, plural } from '../output/table.js';

export interface DbOptions {
  only?: string;
  slow?: string;
  olderThan?: string;
  table?: string[];
}

export type DbData =
  | ({ action: 'stats' } & StatsReport)
  | { action: 'terminate'; environment: string; dryRun: boolean; olderThanMs: number; databases: { name: string; found: SlowQuery[]; terminated: number[] }[] }
  | { action: 'maintain'; environment: string; dryRun: boolean; databases: { name: string; tables: string[]; beforeBytes: number; afterBytes: number; durationMs: number }[] };

const ACTIONS = ['stats', 'terminate', 'maintain'] as const;

export async function run(ctx: Context, options: DbOptions, args: string[]): Promise<CommandResult<DbData>> {
  const [action, extra] = args;
  if (!ACTIONS.includes(action as (typeof ACTIONS)[number]) || extra !== undefined) {
    throw new UsageError(`${action === undefined ? 'db needs an action' : `Unknown db action "${[action, extra].filter(Boolean).join(' ')}"`}.`, 'Use: opsctl db stats, opsctl db terminate --older-than 10m, opsctl db maintain.');
  }
  const env = ctx.environment();
  if (action === 'stats') {
    const report = await collectStats(ctx, env, chooseDatabases(env, options.only), { slowMs: durationOption('--slow', options.slow ?? '5m'), timeoutMs: 10_000 });
    return { data: { action: 'stats', ...report }, exitCode: exitCodeFor(report.state) };
  }
  const chosen = chooseDatabases(env, options.only, ['postgres']);
  if (action === 'terminate') {
    if (!options.olderThan) throw new UsageError('db terminate needs --older-than <duration>.', 'The manuals end queries running over 10 minutes: opsctl db terminate --older-than 10m.');
    return { data: await terminate(ctx, env, chosen, durationOption('--older-than', options.olderThan)) };
  }
  return { data: await maintain(ctx, env, chosen, options.table ?? []) };
}

/** Lists the queries first, asks (typed environment name, or --yes), then ends those still that old; journaled. */
async function terminate(ctx: Context, env: SelectedEnvironment, chosen: readonly ChosenDatabase[], olderThanMs: number): Promise<DbData> {
  const found = await Promise.all(chosen.map(async (db) => ({ db, found: await db.adapter.stats.slowQueries!(ctx, db.conn, olderThanMs) })));
  const all = found.flatMap((f) => f.found);
  const data = { action: 'terminate' as const, environment: env.name, dryRun: ctx.dryRun, olderThanMs, databases: found.map((f) => ({ name: f.db.name, found: f.found, terminated: [] as number[] })) };
  if (all.length === 0) return data;
  ctx.log.info(`queries running longer than ${formatDuration(olderThanMs)}:\n${renderSlow(all, ctx.outStyle)}`);
  if (ctx.dryRun) {
    for (const f of found) if (f.found.length > 0) await f.db.adapter.stats.terminate!(ctx, f.db.conn, f.found.map((q) => q.pid), olderThanMs);
    return data;
  }
  await confirm(ctx, env, `End ${plural(all.length, 'query')} on ${env.name} (pg_terminate_backend): their clients see the connection drop.`, 'nothing was terminated');
  return recordOperation(journalOf(ctx, env), 'db-terminate', async () => {
    for (const [i, f] of found.entries()) data.databases[i]!.terminated = await f.db.adapter.stats.terminate!(ctx, f.db.conn, f.found.map((q) => q.pid), olderThanMs);
    const count = data.databases.reduce((n, d) => n + d.terminated.length, 0);
    return { value: data, details: { olderThan: formatDuration(olderThanMs), terminated: data.databases.map((d) => ({ database: d.name, pids: d.terminated })), count } };
  });
}

async function confirm(ctx: Context, env: SelectedEnvironment, question: string, notDone: string): Promise<void> {
  if (ctx.assumeYes) return;
  if (!ctx.interactive) throw new UsageError(`${question} This needs confirmation.`, 'Pass --yes to confirm without a terminal.');
  await confirmByTyping(question, env.name, notDone, ctx.signal);
}

/** VACUUM (ANALYZE) of each postgres database (or --table ones), journaled with its duration and size before and after. */
async function maintain(ctx: Context, env: SelectedEnvironment, chosen: readonly ChosenDatabase[], tables: readonly string[]): Promise<DbData> {
  const work = async () => {
    const databases = [];
    for (const db of chosen) {
      const started = ctx.now();
      const done = await db.adapter.stats.maintain!(ctx, db.conn, tables);
      databases.push({ name: db.name, tables: done.tables, beforeBytes: done.before, afterBytes: done.after, durationMs: ctx.now() - started });
    }
    return { action: 'maintain' as const, environment: env.name, dryRun: ctx.dryRun, databases };
  };
  if (ctx.dryRun) return work();
  return recordOperation(journalOf(ctx, env), 'db-maintain', async () => {
    const data = await work();
    return { value: data, details: { databases: data.databases } };
  });
}

export function render(data: DbData, style: Style): string {
  if (data.action === 'stats') return renderStats(data, style);
  const prefix = data.dryRun ? style.dim('Dry run: ') : '';
  if (data.action === 'terminate') {
    const found = data.databases.reduce((n, d) => n + d.found.length, 0);
    if (found === 0) return `No query has run longer than ${formatDuration(data.olderThanMs)} on ${data.environment}.`;
    const done = data.databases.reduce((n, d) => n + d.terminated.length, 0);
    return `${prefix}${data.dryRun ? `would end ${plural(found, 'query')}` : `ended ${done} of ${plural(found, 'query')}`} running longer than ${formatDuration(data.olderThanMs)}.`;
  }
  return data.databases
    .map((d) => `${prefix}${d.name}: VACUUM (ANALYZE) ${d.tables.length > 0 ? d.tables.join(', ') : 'every table'} in ${formatDuration(d.durationMs)}; size ${formatBytes(d.beforeBytes)} -> ${formatBytes(d.afterBytes)}`)
    .join('\n');
}

import type { Context } from '../../context.js';
import { OpsError, UsageError } from '../../errors.js';
import { redact } from '../../process/redact.js';
import type { Connection } from '../connection.js';
import { connectSeconds } from '../parse.js';
import { judgeUse, maskQuery, percentOf, type DatabaseStats, type SlowQuery, type StatsSupport, type TableActivity } from '../stats.js';
import { worst } from '../../health/types.js';
import { psqlCommand } from './commands.js';

/** Active client queries started more than `seconds` ago, oldest first (never our own session). */
function slowSql(seconds: number): string {
  return `select coalesce(json_agg(q order by q.ms desc), '[]') from (
  select pid, round(extract(epoch from now() - query_start) * 1000) as ms, datname, usename, query
  from pg_stat_activity
  where state = 'active' and backend_type = 'client backend' and pid <> pg_backend_pid()
    and query_start < now() - make_interval(secs => ${Number(seconds)})) q`;
}

/** One psql call, one JSON line: size, connections by state, slow queries, top tables, replicas. */
export function statsSql(slowSeconds: number): string {
  return `select json_build_object(
  'size', pg_database_size(current_database()),
  'max_connections', current_setting('max_connections')::int,
  'connections', (select coalesce(json_object_agg(s, n), '{}') from (select coalesce(state, 'other') as s, count(*) as n
    from pg_stat_activity where backend_type = 'client backend' group by 1) c),
  'slow', (${slowSql(slowSeconds)}),
  'tables', (select coalesce(json_agg(t), '[]') from (select schemaname || '.' || relname as name,
    coalesce(seq_scan, 0) + coalesce(idx_scan, 0) as scans, n_tup_ins + n_tup_upd + n_tup_del as writes,
    n_live_tup as live, n_dead_tup as dead, pg_total_relation_size(relid) as bytes
    from pg_stat_user_tables order by 2 + 3 desc, 6 desc limit 10) t),
  'replicas', (select coalesce(json_agg(r), '[]') from (select coalesce(application_name, '') as name, state,
    round(extract(epoch from replay_lag) * 1000) as lag from pg_stat_replication) r))`;
}

interface RawSlow { pid: number; ms: number; datname: string | null; usename: string | null; query: string }
interface RawStats {
  size: number;
  max_connections: number;
  connections: Record<string, number>;
  slow: RawSlow[];
  tables: { name: string; scans: number; writes: number; live: number; dead: number; bytes: number }[];
  replicas: { name: string; state: string; lag: number | null }[];
}

function toSlow(raw: readonly RawSlow[]): SlowQuery[] {
  return raw.map((q) => ({ pid: q.pid, durationMs: q.ms, database: q.datname, user: q.usename, query: maskQuery(q.query ?? '') }));
}

/** Reads psql's one JSON line into the stats and their verdict. */
export function readPostgresStats(name: string, target: string, stdout: string): DatabaseStats {
  const raw = JSON.parse(stdout.trim()) as RawStats;
  const total = Object.values(raw.connections).reduce((a, b) => a + b, 0);
  const use = percentOf(total, raw.max_connections);
  const connections = judgeUse('connections', use);
  const slowQueries = toSlow(raw.slow);
  const reasons = [connections.reason, slowQueries.length > 0 ? `${slowQueries.length} slow quer${slowQueries.length === 1 ? 'y' : 'ies'}` : undefined].filter((r) => r !== undefined);
  const tables: TableActivity[] = raw.tables.map((t) => ({ name: t.name, scans: t.scans, writes: t.writes, liveRows: t.live, deadRows: t.dead, bytes: t.bytes }));
  return {
    name,
    kind: 'postgres',
    target,
    state: worst([connections.state, slowQueries.length > 0 ? 'degraded' : 'healthy']),
    reasons,
    figures: { sizeBytes: raw.size, connections: total, maxConnections: raw.max_connections, connectionsPercent: use === null ? null : Math.round(use), ...Object.fromEntries(Object.entries(raw.connections).map(([state, n]) => [`connections.${state}`, n])) },
    slowQueries,
    tables,
    replicas: raw.replicas.map((r) => ({ name: r.name, state: r.state, lagMs: r.lag })),
  };
}

/** psql's stdout, or an OpsError naming the database and what psql said (password masked). */
async function query(ctx: Context, conn: Connection, sql: string, readOnly: boolean, timeoutMs = 10_000): Promise<string> {
  const result = await ctx.runner.run(psqlCommand(conn, sql, { readOnly, connectTimeout: connectSeconds(timeoutMs) }), { allowFailure: true });
  if (result.exitCode !== 0) {
    const said = result.stderr.trim().split(/\r?\n/).filter(Boolean).pop() ?? `psql exit ${result.exitCode}`;
    throw new OpsError(`psql failed on ${redact(conn.safeUrl)}: ${redact(said.replace(/^psql: (error: )?/, ''))}`, 'Check the URL and that the server is up: opsctl health-check.');
  }
  return result.stdout;
}

export const postgresStats: StatsSupport = {
  stats: async (ctx, name, conn, _url, options) => readPostgresStats(name, conn.safeUrl, await query(ctx, conn, statsSql(options.slowMs / 1000), true, options.timeoutMs)),
  slowQueries: async (ctx, conn, olderThanMs) => toSlow(JSON.parse((await query(ctx, conn, slowSql(olderThanMs / 1000), true)).trim()) as RawSlow[]),
  // Only pids still running a query that old: a pid freed and reused since the listing is left alone.
  terminate: async (ctx, conn, pids, olderThanMs) => {
    if (pids.length === 0) return [];
    const sql = `select coalesce(json_agg(pid), '[]') from pg_stat_activity where pid = any(array[${pids.map((p) => Math.trunc(p)).join(',')}]::int[])
  and state = 'active' and query_start < now() - make_interval(secs => ${olderThanMs / 1000}) and pg_terminate_backend(pid)`;
    const out = await query(ctx, conn, sql, false);
    return ctx.dryRun ? [] : (JSON.parse(out.trim()) as number[]);
  },
  maintain: async (ctx, conn, tables) => {
    const size = async () => Number((await query(ctx, conn, 'select pg_database_size(current_database())', true)).trim());
    const before = await size();
    // VACUUM cannot run inside a transaction block: one psql -c per statement.
    const targets = tables.length > 0 ? tables.map(quoteTable) : [''];
    for (const table of targets) await query(ctx, conn, `VACUUM (ANALYZE)${table ? ` ${table}` : ''}`, false);
    return { before, after: ctx.dryRun ? before : await size(), tables: [...tables] };
  },
};

/** "schema.table" or "table" as quoted identifiers: a table name is never spliced into SQL as written. */
export function quoteTable(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new UsageError(`--table ${name} is not a table name.`, 'Write table or schema.table.');
  return parts.map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
}

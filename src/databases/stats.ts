import type { Context } from '../context.js';
import type { HealthState } from '../health/types.js';
import type { Connection } from './connection.js';

/**
 * The manuals' alert table ("Alerting Thresholds"): a use above 80% is a warning and above 90% critical
 * (memory, and connections against max_connections); a cache hit rate under 90% a warning, under 80% critical.
 */
export const THRESHOLDS = { usePercent: { warn: 80, crit: 90 }, hitRate: { warn: 90, crit: 80 } } as const;

/** A query `db stats` lists as slow and `db terminate` may end: its first line only, literals masked. */
export interface SlowQuery {
  pid: number;
  durationMs: number;
  database: string | null;
  user: string | null;
  query: string;
}

export interface TableActivity {
  name: string;
  scans: number;
  writes: number;
  liveRows: number;
  deadRows: number;
  bytes: number;
}

/** What `db stats` shows of one database: figures by name, the verdict, and why. */
export interface DatabaseStats {
  name: string;
  kind: string;
  target: string;
  state: HealthState;
  /** One short sentence per threshold crossed (or why it could not be read). */
  reasons: string[];
  /** Named figures: bytes, counts, percentages; null when the server does not say. */
  figures: Record<string, number | string | null>;
  slowQueries?: SlowQuery[];
  tables?: TableActivity[];
  replicas?: { name: string; state: string; lagMs: number | null }[];
}

export interface StatsOptions {
  /** Queries running longer than this are listed (and make the verdict degraded). */
  slowMs: number;
  timeoutMs: number;
}

/** What a kind can tell of itself, and for postgres, end and maintain. */
export interface StatsSupport {
  stats(ctx: Context, name: string, conn: Connection, url: string, options: StatsOptions): Promise<DatabaseStats>;
  /** Queries older than `olderThanMs`, then pg_terminate_backend of the listed pids that are still that old. */
  slowQueries?(ctx: Context, conn: Connection, olderThanMs: number): Promise<SlowQuery[]>;
  terminate?(ctx: Context, conn: Connection, pids: readonly number[], olderThanMs: number): Promise<number[]>;
  /** VACUUM (ANALYZE), of the whole database or the named tables; size in bytes before and after. */
  maintain?(ctx: Context, conn: Connection, tables: readonly string[]): Promise<{ before: number; after: number; tables: string[] }>;
}

/** Above crit unhealthy, above warn degraded: for percentages where more is worse. */
export function judgeUse(label: string, percent: number | null): { state: HealthState; reason?: string } {
  if (percent === null) return { state: 'healthy' };
  const { warn, crit } = THRESHOLDS.usePercent;
  if (percent > crit) return { state: 'unhealthy', reason: `${label} at ${percent.toFixed(0)}% (over ${crit}%)` };
  if (percent > warn) return { state: 'degraded', reason: `${label} at ${percent.toFixed(0)}% (over ${warn}%)` };
  return { state: 'healthy' };
}

/** Under crit unhealthy, under warn degraded: the cache hit rate, where less is worse. */
export function judgeHitRate(percent: number | null): { state: HealthState; reason?: string } {
  if (percent === null) return { state: 'healthy' };
  const { warn, crit } = THRESHOLDS.hitRate;
  if (percent < crit) return { state: 'unhealthy', reason: `hit rate ${percent.toFixed(1)}% (under ${crit}%)` };
  if (percent < warn) return { state: 'degraded', reason: `hit rate ${percent.toFixed(1)}% (under ${warn}%)` };
  return { state: 'healthy' };
}

/** The first line of a query, its quoted literals as '?' (values may be personal data), at most 120 characters. */
export function maskQuery(query: string): string {
  const first = query.trim().split(/\r?\n/)[0] ?? '';
  // [^'] and '' start differently, so this runs in linear time.
  const masked = first.replace(/'(?:[^']|'')*'?/g, "'?'").replace(/\b\d+(\.\d+)?\b/g, '?');
  return masked.length > 120 ? `${masked.slice(0, 119)}…` : masked;
}

/** A percentage, or null when the whole is zero or unknown. */
export function percentOf(part: number | null | undefined, whole: number | null | undefined): number | null {
  if (part === null || part === undefined || !whole) return null;
  return (part / whole) * 100;
}

import { requireResolved } from '../config/interpolate.js';
import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { toOpsError, ToolMissingError, UsageError } from '../errors.js';
import { worst, type HealthState } from '../health/types.js';
import { redact } from '../process/redact.js';
import type { Connection } from './connection.js';
import { databaseAdapter, type DatabaseAdapter } from './index.js';
import type { DatabaseStats, StatsOptions } from './stats.js';

/** A database of the environment, its URL resolved and split, with its adapter. */
export interface ChosenDatabase {
  name: string;
  adapter: DatabaseAdapter;
  conn: Connection;
  url: string;
}

/** The environment's databases, or those `only` names (comma-separated); an unknown name is a UsageError naming the known ones. */
export function chooseDatabases(env: SelectedEnvironment, only?: string, kinds?: readonly string[]): ChosenDatabase[] {
  const all = Object.entries(env.config.databases).filter(([, db]) => !kinds || kinds.includes(db.type));
  const known = all.map(([name]) => name);
  const wanted = only?.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = wanted?.filter((n) => !known.includes(n)) ?? [];
  if (unknown.length > 0) throw new UsageError(`--only: no ${kinds ? `${kinds.join('/')} ` : ''}database named ${unknown.map((n) => `"${n}"`).join(', ')} in ${env.name}.`, `Databases: ${known.join(', ') || 'none'}.`);
  const chosen = all.filter(([name]) => !wanted || wanted.includes(name));
  if (chosen.length === 0) {
    throw new UsageError(`${env.name} has no ${kinds ? `${kinds.join('/')} ` : ''}databases.`, 'Define them under databases in opsctl.yaml, e.g. databases: { main: { type: postgres, url: "${DATABASE_URL}" } }.');
  }
  return chosen.map(([name, db]) => {
    const key = `databases.${name}.url`;
    const url = requireResolved(db.url, key, env.envFile);
    const adapter = databaseAdapter(db.type);
    return { name, adapter, conn: adapter.parse(url, key), url };
  });
}

export interface StatsReport {
  environment: string;
  state: HealthState;
  checkedAt: string;
  databases: DatabaseStats[];
}

/** Every chosen database at once; one that cannot be read is unhealthy (or unknown without its client) with the reason. */
export async function collectStats(ctx: Context, env: SelectedEnvironment, chosen: readonly ChosenDatabase[], options: StatsOptions): Promise<StatsReport> {
  const checkedAt = new Date(ctx.now()).toISOString();
  const databases = await Promise.all(
    chosen.map(async (db): Promise<DatabaseStats> => {
      try {
        return await db.adapter.stats.stats(ctx, db.name, db.conn, db.url, options);
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        const failure = toOpsError(error);
        const state: HealthState = error instanceof ToolMissingError ? 'unknown' : 'unhealthy';
        return { name: db.name, kind: db.adapter.kind, target: redact(db.conn.safeUrl), state, reasons: [redact(failure.message)], figures: {} };
      }
    }),
  );
  return { environment: env.name, state: worst(databases.map((d) => d.state)), checkedAt, databases };
}

import { OpsError } from '../errors.js';
import { command } from '../process/command.js';
import { judgeUse, percentOf, type DatabaseStats, type StatsSupport } from './stats.js';

// The URI travels in the environment, as for the ping: `db.stats()` and serverStatus's connections as one JSON line.
export const STATS_SCRIPT =
  'const c = connect(process.env.OPSCTL_MONGO_URI); const s = c.runCommand({ dbStats: 1 }); const st = c.adminCommand({ serverStatus: 1 }); print(JSON.stringify({ db: s, connections: st.connections }));';

interface RawMongo {
  db: { db?: string; collections?: number; objects?: number; dataSize?: number; storageSize?: number; indexes?: number; indexSize?: number };
  connections?: { current?: number; available?: number };
}

/** `db.stats()` and `serverStatus().connections`, judged: connections in use against what the server allows. */
export function readMongoStats(name: string, target: string, stdout: string): DatabaseStats {
  const raw = JSON.parse(stdout.trim().split(/\r?\n/).pop() ?? '') as RawMongo;
  const current = raw.connections?.current ?? null;
  const available = raw.connections?.available ?? null;
  const use = current === null || available === null ? null : percentOf(current, current + available);
  const connections = judgeUse('connections', use);
  return {
    name,
    kind: 'mongo',
    target,
    state: connections.state,
    reasons: connections.reason ? [connections.reason] : [],
    figures: {
      collections: raw.db.collections ?? null,
      objects: raw.db.objects ?? null,
      dataSizeBytes: raw.db.dataSize ?? null,
      storageSizeBytes: raw.db.storageSize ?? null,
      indexes: raw.db.indexes ?? null,
      connections: current,
      connectionsAvailable: available,
      connectionsPercent: use === null ? null : Math.round(use),
    },
  };
}

export const mongoStats: StatsSupport = {
  stats: async (ctx, name, conn, url) => {
    const cmd = command('mongosh', ['--nodb', '--quiet', '--norc', '--eval', STATS_SCRIPT], { readOnly: true, env: { OPSCTL_MONGO_URI: url } });
    const result = await ctx.runner.run(cmd, { allowFailure: true });
    if (result.exitCode !== 0) {
      const said = result.stderr.trim().split(/\r?\n/).filter(Boolean).pop() ?? `mongosh exit ${result.exitCode}`;
      throw new OpsError(`mongosh could not read the stats of ${conn.safeUrl}: ${said}`, 'Check the URL and that the server is up: opsctl health-check.');
    }
    return readMongoStats(name, conn.safeUrl, result.stdout);
  },
};

import { OpsError } from '../errors.js';
import { worst } from '../health/types.js';
import { command, type Command } from '../process/command.js';
import type { Connection } from './connection.js';
import { judgeHitRate, judgeUse, percentOf, type DatabaseStats, type StatsSupport } from './stats.js';

/** redis-cli with the connection's flags; the password only in REDISCLI_AUTH. */
export function redisCliCommand(conn: Connection, args: readonly string[]): Command {
  const base = ['-h', conn.host, '-p', String(conn.port ?? 6379)];
  if (conn.user) base.push('--user', conn.user);
  if (conn.database) base.push('-n', conn.database);
  if (conn.tls) base.push('--tls');
  return command('redis-cli', [...base, ...args], { readOnly: true, env: conn.password ? { REDISCLI_AUTH: conn.password } : {} });
}

/** `INFO`'s "key:value" lines (sections and comments skipped). */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** The manuals' `redis-cli INFO memory` and `INFO stats`, judged: memory against maxmemory, the hit rate. */
export function readRedisStats(name: string, target: string, info: string): DatabaseStats {
  const fields = parseInfo(info);
  const num = (key: string) => (fields.has(key) ? Number(fields.get(key)) : null);
  const [used, max, hits, misses] = [num('used_memory'), num('maxmemory'), num('keyspace_hits'), num('keyspace_misses')];
  const memoryPercent = percentOf(used, max);
  const hitRate = hits === null || misses === null ? null : percentOf(hits, hits + misses);
  const memory = judgeUse('memory', memoryPercent);
  const rate = judgeHitRate(hitRate);
  return {
    name,
    kind: 'redis',
    target,
    state: worst([memory.state, rate.state]),
    reasons: [memory.reason, rate.reason].filter((r) => r !== undefined),
    figures: {
      usedMemoryBytes: used,
      maxMemoryBytes: max || null,
      memoryPercent: memoryPercent === null ? null : Math.round(memoryPercent),
      hitRatePercent: hitRate === null ? null : Math.round(hitRate * 10) / 10,
      keyspaceHits: hits,
      keyspaceMisses: misses,
      evictedKeys: num('evicted_keys'),
      connectedClients: num('connected_clients'),
      version: fields.get('redis_version') ?? null,
    },
  };
}

export const redisStats: StatsSupport = {
  stats: async (ctx, name, conn) => {
    const result = await ctx.runner.run(redisCliCommand(conn, ['INFO']), { allowFailure: true });
    // redis-cli exits 0 on an error reply (NOAUTH): no "redis_version" is the sign.
    if (result.exitCode !== 0 || !result.stdout.includes('redis_version:')) {
      const said = (result.stderr.trim() || result.stdout.trim()).split(/\r?\n/)[0] || `redis-cli exit ${result.exitCode}`;
      throw new OpsError(`redis-cli INFO failed on ${conn.safeUrl}: ${said}`, 'Check the URL and password, and that the server is up: opsctl health-check.');
    }
    return readRedisStats(name, conn.safeUrl, result.stdout);
  },
};

import { parseWithSecrets } from './parse.js';
import { redisCliCommand, redisStats } from './redis-stats.js';
import type { DatabaseAdapter } from './types.js';

const PROTOCOLS = ['redis:', 'rediss:'];

/** Pinged by health-check only: a cache or a queue is not something opsctl dumps. */
export const redis: DatabaseAdapter = {
  kind: 'redis',
  protocols: PROTOCOLS,
  dotenvKeys: [{ variable: 'REDIS_URL', name: 'redis' }],
  tools: { backup: [], probe: ['redis-cli'] },
  parse: (url, key) => parseWithSecrets(url, key, PROTOCOLS),
  stats: redisStats,
  probe: (conn) => {
    return {
      target: conn.safeUrl,
      command: redisCliCommand(conn, ['ping']),
      // redis-cli exits 0 on an error reply; a failed AUTH is said on stderr, NOAUTH on stdout.
      read: (stdout, stderr) => {
        if (stdout.trim() === 'PONG') return { ok: true };
        const said = (stderr.trim() || stdout.trim()).split(/\r?\n/)[0];
        return { ok: false, reason: said || 'no answer to PING' };
      },
    };
  },
};

import { command } from '../process/command.js';
import { parseWithSecrets } from './parse.js';
import type { DatabaseAdapter } from './types.js';

const PROTOCOLS = ['redis:', 'rediss:'];

/** Pinged by health-check only: a cache or a queue is not something opsctl dumps. */
export const redis: DatabaseAdapter = {
  kind: 'redis',
  protocols: PROTOCOLS,
  dotenvKeys: [{ variable: 'REDIS_URL', name: 'redis' }],
  tools: { backup: [], probe: ['redis-cli'] },
  parse: (url, key) => parseWithSecrets(url, key, PROTOCOLS),
  probe: (conn) => {
    const args = ['-h', conn.host, '-p', String(conn.port ?? 6379)];
    if (conn.user) args.push('--user', conn.user);
    if (conn.database) args.push('-n', conn.database);
    if (conn.tls) args.push('--tls');
    args.push('ping');
    return {
      target: conn.safeUrl,
      command: command('redis-cli', args, { readOnly: true, env: conn.password ? { REDISCLI_AUTH: conn.password } : {} }),
      // redis-cli exits 0 on an error reply; a failed AUTH is said on stderr, NOAUTH on stdout.
      read: (stdout, stderr) => {
        if (stdout.trim() === 'PONG') return { ok: true };
        const said = (stderr.trim() || stdout.trim()).split(/\r?\n/)[0];
        return { ok: false, reason: said || 'no answer to PING' };
      },
    };
  },
};

import { describe, expect, it } from 'vitest';
import { redis } from '../../../src/databases/redis.js';
import { ConfigError } from '../../../src/errors.js';
import { expectNotInArgv, probeWith } from './probe-helpers.js';

const probeOf = probeWith(redis, 'cache');

describe('redis adapter: the health probe (redis-cli)', () => {
  it('host and port as flags, the password in REDISCLI_AUTH, then ping', () => {
    const probe = probeOf('redis://:r3dis-pw@cache:6380', 5000);
    expect(probe.command).toEqual({ file: 'redis-cli', args: ['-h', 'cache', '-p', '6380', 'ping'], readOnly: true, env: { REDISCLI_AUTH: 'r3dis-pw' } });
    expect(probe.target).toBe('redis://cache:6380');
    expectNotInArgv(probe, 'r3dis-pw');
  });

  it('rediss:// with a user and a db number: --user, -n and --tls, default port 6379', () => {
    const probe = probeOf('rediss://app:r3dis-pw@cache.example.com/3', 5000);
    expect(probe.command.args).toEqual(['-h', 'cache.example.com', '-p', '6379', '--user', 'app', '-n', '3', '--tls', 'ping']);
    expect(probe.command.env).toEqual({ REDISCLI_AUTH: 'r3dis-pw' });
    expectNotInArgv(probe, 'r3dis-pw');
  });

  it('no password: no REDISCLI_AUTH', () => {
    expect(probeOf('redis://127.0.0.1:6379', 5000).command.env).toEqual({});
  });

  it('PONG is healthy; NOAUTH on stdout and a failed AUTH on stderr are not', () => {
    const probe = probeOf('redis://cache', 5000);
    expect(probe.read('PONG\n', '')).toEqual({ ok: true });
    expect(probe.read('NOAUTH Authentication required.\n', '')).toEqual({ ok: false, reason: 'NOAUTH Authentication required.' });
    expect(probe.read('NOAUTH Authentication required.\n', 'AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n')).toEqual({
      ok: false,
      reason: 'AUTH failed: WRONGPASS invalid username-password pair or user is disabled.',
    });
    expect(probe.read('', '')).toEqual({ ok: false, reason: 'no answer to PING' });
  });

  it('a postgres URL under a redis database is a ConfigError', () => {
    expect(() => probeOf('postgres://db/shop', 5000)).toThrow(ConfigError);
  });
});

import { describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../../src/db/connection.js';
import { ConfigError, ToolMissingError } from '../../../src/errors.js';
import { databaseProbe, probeDatabase } from '../../../src/health/database.js';
import { formatCommand } from '../../../src/process/command.js';
import { caught } from '../helpers.js';
import { scriptedRunner } from '../../support/scripted-runner.js';

const PG_QUERY = "select current_setting('server_version')";

/** Every argv element, and the formatted line: a password must be in none of them. */
function expectNotInArgv(probe: ReturnType<typeof databaseProbe>, ...secrets: string[]): void {
  const argv = [probe.command.file, ...probe.command.args];
  for (const secret of secrets) for (const arg of argv) expect(arg).not.toContain(secret);
}

describe('databaseProbe: postgres (psql)', () => {
  it('runs a read-only psql with the URL minus its password, the password in PGPASSWORD', () => {
    const probe = databaseProbe('main', { type: 'postgres', url: 'postgresql://app:s3cret-pw@db.internal:5432/shop?sslmode=require' }, 5000);
    expect(probe.command).toEqual({
      file: 'psql',
      args: ['-X', '-w', '-q', '-A', '-t', '-d', 'postgresql://app@db.internal:5432/shop?sslmode=require', '-c', PG_QUERY],
      readOnly: true,
      env: { PGCONNECT_TIMEOUT: '5', PGPASSWORD: 's3cret-pw' },
    });
    expect(probe.target).toBe('postgresql://app@db.internal:5432/shop?sslmode=require');
    expectNotInArgv(probe, 's3cret-pw');
  });

  it('decodes a percent-encoded password for PGPASSWORD and keeps both spellings out of argv', () => {
    const probe = databaseProbe('main', { type: 'postgres', url: 'postgres://app:p%40ss%2Fw0rd%3A1@db/shop' }, 5000);
    expect(probe.command.env?.PGPASSWORD).toBe('p@ss/w0rd:1');
    expectNotInArgv(probe, 'p%40ss%2Fw0rd%3A1', 'p@ss/w0rd:1', 'w0rd');
  });

  it.each(['password', 'pass', 'pwd'])('takes a ?%s= query parameter out of the URL and into PGPASSWORD', (param) => {
    const probe = databaseProbe('main', { type: 'postgres', url: `postgres://app@db:5432/shop?${param}=q-s3cret&sslmode=require` }, 5000);
    expect(probe.command.env?.PGPASSWORD).toBe('q-s3cret');
    expect(probe.command.args).toContain('postgres://app@db:5432/shop?sslmode=require');
    expectNotInArgv(probe, 'q-s3cret');
  });

  it('sets no PGPASSWORD when the URL has none (libpq may then use ~/.pgpass)', () => {
    const probe = databaseProbe('main', { type: 'postgres', url: 'postgres://app@db/shop' }, 5000);
    expect(probe.command.env).toEqual({ PGCONNECT_TIMEOUT: '5' });
  });

  it('PGCONNECT_TIMEOUT is the probe timeout rounded up to whole seconds, at least 1', () => {
    const timeout = (ms: number) => databaseProbe('main', { type: 'postgres', url: 'postgres://db/shop' }, ms).command.env?.PGCONNECT_TIMEOUT;
    expect([timeout(200), timeout(2500), timeout(3000), timeout(60_000)]).toEqual(['1', '3', '3', '60']);
  });

  it('reads the server version from stdout; an empty answer is not a healthy one', () => {
    const probe = databaseProbe('main', { type: 'postgres', url: 'postgres://db/shop' }, 5000);
    expect(probe.read('15.18 (Debian 15.18-0+deb12u1)\n', '')).toEqual({ ok: true, version: '15.18 (Debian 15.18-0+deb12u1)' });
    expect(probe.read('\n', '')).toEqual({ ok: false, reason: 'psql printed no server version' });
  });

  it('a URL of another scheme is a ConfigError naming the key, without the password', async () => {
    const error = (await caught(Promise.resolve().then(() => databaseProbe('main', { type: 'postgres', url: 'mysql://app:my-s3cret@db/shop' }, 5000)))) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('databases.main.url');
    expect(error.message).toContain('mysql:');
    expect(`${error.message} ${error.hint}`).not.toContain('my-s3cret');
  });
});

describe('databaseProbe: redis (redis-cli)', () => {
  it('host and port as flags, the password in REDISCLI_AUTH, then ping', () => {
    const probe = databaseProbe('cache', { type: 'redis', url: 'redis://:r3dis-pw@cache:6380' }, 5000);
    expect(probe.command).toEqual({ file: 'redis-cli', args: ['-h', 'cache', '-p', '6380', 'ping'], readOnly: true, env: { REDISCLI_AUTH: 'r3dis-pw' } });
    expect(probe.target).toBe('redis://cache:6380');
    expectNotInArgv(probe, 'r3dis-pw');
  });

  it('rediss:// with a user and a db number: --user, -n and --tls, default port 6379', () => {
    const probe = databaseProbe('cache', { type: 'redis', url: 'rediss://app:r3dis-pw@cache.example.com/3' }, 5000);
    expect(probe.command.args).toEqual(['-h', 'cache.example.com', '-p', '6379', '--user', 'app', '-n', '3', '--tls', 'ping']);
    expect(probe.command.env).toEqual({ REDISCLI_AUTH: 'r3dis-pw' });
    expectNotInArgv(probe, 'r3dis-pw');
  });

  it('no password: no REDISCLI_AUTH', () => {
    expect(databaseProbe('cache', { type: 'redis', url: 'redis://127.0.0.1:6379' }, 5000).command.env).toEqual({});
  });

  it('PONG is healthy; NOAUTH on stdout and a failed AUTH on stderr are not', () => {
    const probe = databaseProbe('cache', { type: 'redis', url: 'redis://cache' }, 5000);
    expect(probe.read('PONG\n', '')).toEqual({ ok: true });
    expect(probe.read('NOAUTH Authentication required.\n', '')).toEqual({ ok: false, reason: 'NOAUTH Authentication required.' });
    expect(probe.read('NOAUTH Authentication required.\n', 'AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n')).toEqual({
      ok: false,
      reason: 'AUTH failed: WRONGPASS invalid username-password pair or user is disabled.',
    });
    expect(probe.read('', '')).toEqual({ ok: false, reason: 'no answer to PING' });
  });

  it('a postgres URL under a redis database is a ConfigError', () => {
    expect(() => databaseProbe('cache', { type: 'redis', url: 'postgres://db/shop' }, 5000)).toThrow(ConfigError);
  });
});

describe('databaseProbe: mongo (mongosh)', () => {
  const url = 'mongodb://admin:M0ngo%40pw@mongo-1:27017,mongo-2:27017/content?replicaSet=rs0&authSource=admin';

  it('no URI in argv: mongosh --nodb runs a script that connects to OPSCTL_MONGO_URI from its environment', () => {
    const probe = databaseProbe('content', { type: 'mongo', url: 'mongodb://admin:M0ngo%40pw@mongo:27017/content' }, 5000);
    expect(probe.command.file).toBe('mongosh');
    expect(probe.command.args.slice(0, 4)).toEqual(['--nodb', '--quiet', '--norc', '--eval']);
    expect(probe.command.args).toHaveLength(5);
    expect(probe.command.args[4]).toContain('connect(process.env.OPSCTL_MONGO_URI)');
    expect(probe.command.env).toEqual({ OPSCTL_MONGO_URI: 'mongodb://admin:M0ngo%40pw@mongo:27017/content' });
    expect(probe.command.readOnly).toBe(true);
    expect(probe.target).toBe('mongodb://admin@mongo:27017/content');
    expectNotInArgv(probe, 'M0ngo', 'mongo:27017');
    expect(probe.target).not.toContain('M0ngo');
  });

  // src bug: src/db/connection.ts parses with new URL(), which rejects a mongodb:// seed list
  // (host1:27017,host2:27017), the usual replica-set URI: health-check exits 2 "databases.<name>.url:
  // not a URL." for a valid connection string. Flip to it() once fixed.
  it('a replica-set URI with a seed list is accepted and passed on as it is', () => {
    const probe = databaseProbe('content', { type: 'mongo', url }, 5000);
    expect(probe.command.env).toEqual({ OPSCTL_MONGO_URI: url });
    expect(probe.target).toBe('mongodb://admin@mongo-1:27017,mongo-2:27017/content?replicaSet=rs0&authSource=admin');
  });

  it('mongodb+srv:// is accepted, the URI passed on as it is', () => {
    const srv = databaseProbe('content', { type: 'mongo', url: 'mongodb+srv://admin:Zx9q@cluster0.abcd.mongodb.net/content' }, 5000);
    expect(srv.target).toBe('mongodb+srv://admin@cluster0.abcd.mongodb.net/content');
    expect(srv.command.env).toEqual({ OPSCTL_MONGO_URI: 'mongodb+srv://admin:Zx9q@cluster0.abcd.mongodb.net/content' });
    expectNotInArgv(srv, 'Zx9q');
  });

  it('reads the last line of output as the ping answer', () => {
    const probe = databaseProbe('content', { type: 'mongo', url: 'mongodb://mongo/content' }, 5000);
    expect(probe.read('Warning: something\n{"ok":1,"version":"7.0.12"}\n', '')).toEqual({ ok: true, version: '7.0.12' });
    expect(probe.read('{"ok":1}\n', '')).toEqual({ ok: true });
    expect(probe.read('{"ok":0}', '')).toEqual({ ok: false, reason: 'ping answered {"ok":0}' });
    expect(probe.read('MongoshInvalidInputError: nope', '')).toEqual({ ok: false, reason: 'unexpected answer from mongosh: MongoshInvalidInputError: nope' });
  });
});

describe('probeDatabase', () => {
  const pg = databaseProbe('main', { type: 'postgres', url: 'postgresql://app:s3cret-pw@db:5432/shop' }, 3000);
  const expected = { file: 'psql', args: pg.command.args, readOnly: true };

  it('healthy: the latency and the server version, in the reason and in details', async () => {
    const runner = scriptedRunner([{ ...expected, stdout: '16.4\n' }]);
    const attempt = await probeDatabase(pg, 'postgres', runner, 3000);
    expect(attempt).toMatchObject({ kind: 'postgres', target: 'postgresql://app@db:5432/shop', state: 'healthy', unit: 'ms', details: { serverVersion: '16.4' } });
    expect(attempt.reason).toMatch(/^up, answered in \d+ ms \(server 16\.4\)$/);
    expect(attempt.value).toBeGreaterThanOrEqual(0);
  });

  it("a failing client: unhealthy with the client's own words, without its program-name prefix", async () => {
    const stderr = 'psql: error: connection to server at "db" (10.0.0.5), port 5432 failed: FATAL:  password authentication failed for user "app"\n';
    const runner = scriptedRunner([{ ...expected, exitCode: 2, stderr }]);
    const attempt = await probeDatabase(pg, 'postgres', runner, 3000);
    expect(attempt.state).toBe('unhealthy');
    expect(attempt.reason).toBe('connection to server at "db" (10.0.0.5), port 5432 failed: FATAL:  password authentication failed for user "app"');
  });

  it('a URL with a password in the client output is masked in the reason', async () => {
    const mongo = databaseProbe('content', { type: 'mongo', url: 'mongodb://admin:Echoed-pw1@mongo/content' }, 3000);
    const stderr = 'MongoServerSelectionError: getaddrinfo ENOTFOUND mongo (mongodb://admin:Echoed-pw1@mongo/content)\n';
    const runner = scriptedRunner([{ file: 'mongosh', args: mongo.command.args, exitCode: 1, stderr }]);
    const attempt = await probeDatabase(mongo, 'mongo', runner, 3000);
    expect(attempt.reason).toBe('MongoServerSelectionError: getaddrinfo ENOTFOUND mongo (mongodb://admin:***@mongo/content)');
  });

  it('a failing client that says nothing: its exit code', async () => {
    const runner = scriptedRunner([{ ...expected, exitCode: 3 }]);
    expect((await probeDatabase(pg, 'postgres', runner, 3000)).reason).toBe('psql exited with code 3');
  });

  it('redis-cli exiting 0 with NOAUTH: unhealthy', async () => {
    const redis = databaseProbe('cache', { type: 'redis', url: 'redis://cache:6379' }, 3000);
    const runner = scriptedRunner([{ file: 'redis-cli', args: redis.command.args, stdout: 'NOAUTH Authentication required.\n' }]);
    expect(await probeDatabase(redis, 'redis', runner, 3000)).toMatchObject({ state: 'unhealthy', reason: 'NOAUTH Authentication required.' });
  });

  it('a missing client: unknown (not checked), not unhealthy, with the install hint', async () => {
    const runner = scriptedRunner([{ ...expected, error: new ToolMissingError('psql is not installed or not on PATH.', 'Install the PostgreSQL client tools.') }]);
    const attempt = await probeDatabase(pg, 'postgres', runner, 3000);
    expect(attempt).toEqual({ kind: 'postgres', target: 'postgresql://app@db:5432/shop', state: 'unknown', reason: 'not checked: psql is not installed', details: { hint: 'Install the PostgreSQL client tools.' } });
  });

  it('no answer within the timeout: unhealthy, saying how long it waited', async () => {
    const timeout = new DOMException('The operation timed out.', 'TimeoutError');
    const runner = scriptedRunner([{ ...expected, error: timeout }]);
    const attempt = await probeDatabase(pg, 'postgres', runner, 3000);
    expect(attempt.state).toBe('unhealthy');
    expect(attempt.reason).toMatch(/^no answer within 3(\.0)?s$/);
  });

  it('any other failure of the runner (an interrupt) is not swallowed as a probe result', async () => {
    const interrupt = new Error('Interrupted.');
    const runner = scriptedRunner([{ ...expected, error: interrupt }]);
    expect(await caught(probeDatabase(pg, 'postgres', runner, 3000))).toBe(interrupt);
  });
});

describe('parseConnectionUrl', () => {
  const pgProtocols = ['postgres:', 'postgresql:'];

  it('splits a URL into safe parts and the password', () => {
    expect(parseConnectionUrl('postgresql://app:s3cret@db.internal:6543/shop?sslmode=require', 'k', pgProtocols)).toEqual({
      safeUrl: 'postgresql://app@db.internal:6543/shop?sslmode=require',
      host: 'db.internal',
      port: 6543,
      user: 'app',
      password: 's3cret',
      database: 'shop',
      tls: false,
    });
  });

  it('decodes percent-encoded user, password and database name; the safe URL keeps them encoded', () => {
    const conn = parseConnectionUrl("postgres://d%C3%A9v:p%40ss%3Aw%2Frd%25!$&'()*+,;=@db/my%20shop", 'k', pgProtocols);
    expect(conn).toMatchObject({ user: 'dév', password: "p@ss:w/rd%!$&'()*+,;=", database: 'my shop' });
    expect(conn.safeUrl).toBe('postgres://d%C3%A9v@db/my%20shop');
  });

  it('an unencoded "@" in the password: the password runs to the last "@"', () => {
    expect(parseConnectionUrl('postgres://app:p@ss@db/shop', 'k', pgProtocols)).toMatchObject({ host: 'db', user: 'app', password: 'p@ss' });
  });

  it('an unencoded "/" or "#" in the password: a ConfigError that repeats no part of the URL', () => {
    for (const url of ['postgresql://app:123/xY+z9=@db/app', 'postgresql://app:Kq#Wz@db/app?sslmode=require', 'mongodb://app:Pm/Tn@m1:27017/shop']) {
      let error: unknown;
      try {
        parseConnectionUrl(url, 'databases.main.url', [...pgProtocols, 'mongodb:']);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe('databases.main.url: the password (or user) must be percent-encoded: write / as %2F, # as %23.');
      for (const secretPart of ['123', 'xY+z9', 'Kq', 'Wz', 'Pm', 'Tn']) expect(JSON.stringify({ m: (error as Error).message, h: (error as ConfigError).hint })).not.toContain(secretPart);
    }
    // Encoded, the same password parses; a "/" or "@" after the host is left alone.
    expect(parseConnectionUrl('postgresql://app:123%2FxY+z9=@db/app', 'k', pgProtocols)).toMatchObject({ password: '123/xY+z9=', database: 'app' });
    expect(parseConnectionUrl('postgresql://db/app?application_name=a@b', 'k', pgProtocols)).toMatchObject({ host: 'db', database: 'app' });
  });

  it('no port, user, password or database: undefined; an IPv6 host without brackets', () => {
    expect(parseConnectionUrl('postgres://[::1]', 'k', pgProtocols)).toEqual({ safeUrl: 'postgres://[::1]', host: '::1', port: undefined, user: undefined, password: undefined, database: undefined, tls: false });
  });

  it('the password in the userinfo wins over a ?password= parameter; both leave the safe URL', () => {
    const conn = parseConnectionUrl('postgres://app:first@db/shop?password=second', 'k', pgProtocols);
    expect(conn.password).toBe('first');
    expect(conn.safeUrl).toBe('postgres://app@db/shop');
  });

  it('tls: rediss://, ?ssl=true and ?tls=true', () => {
    expect(parseConnectionUrl('rediss://cache', 'k', ['redis:', 'rediss:']).tls).toBe(true);
    expect(parseConnectionUrl('redis://cache', 'k', ['redis:', 'rediss:']).tls).toBe(false);
    expect(parseConnectionUrl('mongodb://m/db?ssl=true', 'k', ['mongodb:']).tls).toBe(true);
    expect(parseConnectionUrl('mongodb://m/db?tls=true', 'k', ['mongodb:']).tls).toBe(true);
    expect(parseConnectionUrl('mongodb://m/db?tls=false', 'k', ['mongodb:']).tls).toBe(false);
  });

  it('not a URL: ConfigError naming the key, with an example URL in the hint', () => {
    const attempt = () => parseConnectionUrl('db.internal/shop', 'databases.main.url', pgProtocols);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow('databases.main.url: not a URL.');
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).hint).toContain('postgres://');
    }
  });

  it('a wrong scheme: ConfigError naming the key, the schemes expected and the one given', () => {
    const attempt = () => parseConnectionUrl('https://app:s3cret@db/shop', 'databases.main.url', pgProtocols);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^databases\.main\.url: expected a postgres:\/\/ or postgresql:\/\/ URL, got https:\/\/\.$/);
  });

  // src bug: src/db/connection.ts calls parsed.searchParams.delete(), which re-serializes the whole query
  // form-style, a space as "+"; libpq does not read "+" as a space, so options=-c%20statement_timeout%3D5000
  // reaches the server as "-c+statement_timeout=5000" and a healthy database is reported unhealthy
  // (FATAL: unrecognized configuration parameter "+statement_timeout"). Flip to it() once fixed.
  it('keeps the rest of the query exactly as written (libpq reads "+" literally)', () => {
    const conn = parseConnectionUrl('postgres://app:pw@db/shop?options=-c%20statement_timeout%3D5000&application_name=health%20check', 'k', pgProtocols);
    expect(conn.safeUrl).toBe('postgres://app@db/shop?options=-c%20statement_timeout%3D5000&application_name=health%20check');
  });

  // src bug: decodeURIComponent throws URIError on a password with a bare "%" ("50%off"): health-check
  // exits 1 with "URI malformed" instead of a ConfigError (exit 2) naming databases.<name>.url. Flip once fixed.
  it('a libpq socket URL (empty host, ?host=/run/postgresql) is accepted: the socket folder is the host', () => {
    const conn = parseConnectionUrl('postgresql://app:pw-sock@/shop?host=/run/postgresql', 'k', pgProtocols);
    expect(conn).toMatchObject({ safeUrl: 'postgresql://app@/shop?host=/run/postgresql', host: '/run/postgresql', password: 'pw-sock', database: 'shop' });
  });

  it('IPv6 hosts keep their brackets and give their port', () => {
    const conn = parseConnectionUrl('postgres://app:pw@[::1]:6543/shop', 'k', pgProtocols);
    expect(conn).toMatchObject({ safeUrl: 'postgres://app@[::1]:6543/shop', host: '::1', port: 6543 });
  });

  it('a password with a bare "%" is a ConfigError naming the key', () => {
    expect(() => parseConnectionUrl('postgres://app:50%off@db/shop', 'databases.main.url', pgProtocols)).toThrow(ConfigError);
  });
});

describe('formatCommand of a probe command', () => {
  it('shows nothing secret: the --verbose and --dry-run line of each probe', () => {
    const lines = [
      databaseProbe('a', { type: 'postgres', url: 'postgres://app:Verb0se-pw@db/shop' }, 5000),
      databaseProbe('b', { type: 'redis', url: 'redis://:Verb0se-pw@cache' }, 5000),
      databaseProbe('c', { type: 'mongo', url: 'mongodb://app:Verb0se-pw@mongo/content' }, 5000),
    ].map((probe) => formatCommand(probe.command));
    expect(lines[0]).toBe(`psql -X -w -q -A -t -d postgres://app@db/shop -c 'select current_setting('\\''server_version'\\'')'`);
    for (const line of lines) expect(line).not.toContain('Verb0se-pw');
  });
});

// health-check's database probes end to end with the built CLI: psql against a throwaway PostgreSQL
// cluster, redis-cli against a throwaway redis-server, and a mongosh STAND-IN (MongoDB cannot be installed
// here) against a plain TCP listener. Database URLs come from the environment, never from argv.
import { writeFileSync, readFileSync, existsSync, chmodSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, isAlive, makeTempDir, parseJson, pathWithout, REPO_ROOT, removeTempDirs, runCli, whichTool, writeConfig, type CliResult } from '../support/real-cli.js';
import { freePort, startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { startRedis, stopAllRedis, type RedisServer } from '../support/real-redis.js';
import { requireTool } from '../support/real-tools.js';

const hasPostgres = requireTool('postgres');
const hasRedis = requireTool('redis');
const hasShebangs = requireTool('posix-signals');
const STAND_INS = path.join(REPO_ROOT, 'test', 'support', 'stand-ins');

interface Probe {
  name: string;
  kind: string;
  target: string;
  state: string;
  reason: string;
  attempts: number;
  value?: number;
  details?: Record<string, unknown>;
}

beforeAll(ensureBuilt);
afterAll(async () => {
  await Promise.all([stopAllPostgres(), stopAllRedis()]);
  removeTempDirs();
});

/** A folder with opsctl.yaml probing one database `main`, its URL taken from ${DATABASE_URL}. */
function project(type: 'postgres' | 'redis' | 'mongo'): string {
  const dir = makeTempDir(`health-${type}`);
  writeConfig(dir, {
    version: 1,
    app: 'shop',
    environments: {
      prod: {
        target: { pm2: { script: 'app.js' } },
        health: { host: false, retries: 1, timeout: '3s', databases: ['main'] },
        databases: { main: { type, url: '${DATABASE_URL}' } },
      },
    },
  });
  return dir;
}

/** health-check --json: the one probe, after checking the document and the exit code agree. */
async function checkJson(dir: string, env: Record<string, string | undefined>): Promise<{ result: CliResult; probe: Probe }> {
  const result = await runCli(['health-check', '--json'], { cwd: dir, env });
  const report = parseJson<{ state: string; probes: Probe[] }>(result.stdout);
  expect(report.probes).toHaveLength(1);
  expect(result.exitCode).toBe({ healthy: 0, unhealthy: 1, unknown: 127 }[report.state]);
  return { result, probe: report.probes[0]! };
}

function expectNoSecret(result: CliResult, ...secrets: string[]): void {
  for (const secret of secrets) {
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
  }
}

/** A `psql` first on PATH that writes its argv and env names to `record`, then runs the real psql. */
function recordingPsql(record: string): string {
  const dir = makeTempDir('psql-recorder');
  const real = whichTool('psql')!;
  const script = [
    '#!/usr/bin/env node',
    "const { appendFileSync } = require('node:fs');",
    "const { spawnSync } = require('node:child_process');",
    `appendFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), env: process.env }) + '\\n');`,
    `const r = spawnSync(${JSON.stringify(real)}, process.argv.slice(2), { stdio: 'inherit' });`,
    'process.exit(r.status ?? 1);',
  ].join('\n');
  writeFileSync(path.join(dir, 'psql'), script);
  chmodSync(path.join(dir, 'psql'), 0o755);
  return [dir, path.dirname(process.execPath), process.env.PATH].join(path.delimiter);
}

describe.skipIf(!hasPostgres)('health-check: postgres probe (psql) against a throwaway PostgreSQL cluster', () => {
  let pg: PostgresServer;
  let dir: string;
  const env = (url: string, extra: Record<string, string> = {}) => cleanEnv({ DATABASE_URL: url, ...extra });

  beforeAll(async () => {
    pg = await startPostgres({ password: 'Pg-s3cret/with@signs' });
    await pg.createDatabase('shop');
    dir = project('postgres');
  });

  it('up: healthy, exit 0, the server version in the reason and in --json details.serverVersion', async () => {
    const url = pg.urlFor('shop');
    const { result, probe } = await checkJson(dir, env(url));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(probe).toMatchObject({ name: 'main', kind: 'postgres', state: 'healthy', attempts: 1, target: pg.urlFor('shop', { password: false }), unit: 'ms' });
    expect(probe.details?.serverVersion).toBe(pg.serverVersion);
    expect(probe.reason).toContain(pg.serverVersion);
    expect(probe.value).toBeGreaterThanOrEqual(0);

    const human = await runCli(['health-check'], { cwd: dir, env: env(url) });
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/main[\s│]+postgres[\s│]+healthy/);
    expect(human.stdout).toContain(`(server ${pg.serverVersion})`);
    expectNoSecret(result, pg.password, encodeURIComponent(pg.password));
    expectNoSecret(human, pg.password, encodeURIComponent(pg.password));
  });

  it('psql gets the password in PGPASSWORD, never in its argv', async () => {
    const record = path.join(makeTempDir('psql-record'), 'calls.jsonl');
    const { result, probe } = await checkJson(dir, env(pg.url, { PATH: recordingPsql(record) }));
    expect(probe.state, result.stderr).toBe('healthy');
    const calls = readFileSync(record, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { argv: string[]; env: Record<string, string> });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.argv).toContain(pg.urlWithoutPassword);
    expect(calls[0]!.env.PGPASSWORD).toBe(pg.password);
    for (const arg of calls[0]!.argv) {
      expect(arg).not.toContain(pg.password);
      expect(arg).not.toContain(encodeURIComponent(pg.password));
    }
  });

  it('a password given as ?password= works, and is kept out of argv and output too', async () => {
    const record = path.join(makeTempDir('psql-record'), 'calls.jsonl');
    const url = `${pg.urlFor('shop', { password: false })}?password=${encodeURIComponent(pg.password)}&application_name=opsctl`;
    const { result, probe } = await checkJson(dir, env(url, { PATH: recordingPsql(record) }));
    expect(probe.state, result.stderr).toBe('healthy');
    expect(probe.target).toBe(`${pg.urlFor('shop', { password: false })}?application_name=opsctl`);
    const [call] = readFileSync(record, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { argv: string[] });
    expect(call!.argv.join(' ')).not.toContain('password');
    expectNoSecret(result, pg.password, encodeURIComponent(pg.password));
  });

  it('wrong password: unhealthy, exit 1, "password authentication failed", neither password printed', async () => {
    const wrong = 'Wrong-Pa55word-xyz';
    const url = pg.urlFor('shop', { password: wrong });
    const { result, probe } = await checkJson(dir, env(url));
    expect(result.exitCode).toBe(1);
    expect(probe).toMatchObject({ state: 'unhealthy', target: pg.urlFor('shop', { password: false }) });
    expect(probe.reason).toContain('password authentication failed for user "postgres"');
    expect(probe.details?.serverVersion).toBeUndefined();

    const human = await runCli(['health-check', '--verbose'], { cwd: dir, env: env(url) });
    expect(human.exitCode).toBe(1);
    expect(human.stdout).toContain('password authentication failed');
    for (const shown of [result, human]) expectNoSecret(shown, wrong, pg.password);
  });

  it('a database that does not exist: unhealthy, exit 1, the server says so', async () => {
    const { result, probe } = await checkJson(dir, env(pg.urlFor('no_such_db')));
    expect(result.exitCode).toBe(1);
    expect(probe.state).toBe('unhealthy');
    expect(probe.reason).toContain('database "no_such_db" does not exist');
  });

  it('psql not installed: state "unknown", exit 127, "not checked: psql is not installed" and an install hint', async () => {
    const url = pg.urlFor('shop');
    const pathValue = pathWithout(['psql'], ['node']);
    const { result, probe } = await checkJson(dir, env(url, { PATH: pathValue }));
    expect(result.exitCode).toBe(127);
    expect(probe).toMatchObject({ state: 'unknown', reason: 'not checked: psql is not installed' });
    expect(probe.value).toBeUndefined();

    const human = await runCli(['health-check'], { cwd: dir, env: env(url, { PATH: pathValue }) });
    expect(human.exitCode).toBe(127);
    expect(human.stderr).toContain('main: not checked: psql is not installed');
    expect(human.stderr).toContain('Install the PostgreSQL client tools');
    expectNoSecret(human, pg.password);
  });

  // Last: it stops the cluster.
  it('the server stopped: unhealthy, exit 1, "Connection refused"', async () => {
    await pg.stop();
    expect(isAlive(pg.pid)).toBe(false);
    expect(existsSync(pg.dir)).toBe(false);
    const { result, probe } = await checkJson(dir, env(pg.urlFor('shop')));
    expect(result.exitCode).toBe(1);
    expect(probe.state).toBe('unhealthy');
    expect(probe.reason).toMatch(/connection to server at "127\.0\.0\.1", port \d+ failed: Connection refused/);
  });
});

describe.skipIf(!hasRedis)('health-check: redis probe (redis-cli) against a throwaway redis-server', () => {
  let redis: RedisServer;
  let dir: string;
  const env = (url: string, extra: Record<string, string> = {}) => cleanEnv({ DATABASE_URL: url, ...extra });

  beforeAll(async () => {
    redis = await startRedis({ password: 'Redis-s3cret:pw' });
    // An ACL user allowed only to PING, on database 2: proves --user and -n reach the server.
    await redis.cli(['ACL', 'SETUSER', 'probe', 'on', '>Probe-pw-123', 'resetkeys', '-@all', '+ping', '+select']);
    dir = project('redis');
  });

  it('up with requirepass: healthy, exit 0, the target without the password', async () => {
    const { result, probe } = await checkJson(dir, env(redis.url));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(probe).toMatchObject({ name: 'main', kind: 'redis', state: 'healthy', target: `redis://127.0.0.1:${redis.port}` });
    expect(probe.reason).toMatch(/^up, answered in \d+ ms$/);
    expectNoSecret(result, redis.password!, encodeURIComponent(redis.password!));
  });

  it('an ACL user and a db number in the URL: healthy', async () => {
    const { result, probe } = await checkJson(dir, env(redis.urlFor({ user: 'probe', password: 'Probe-pw-123', db: 2 })));
    expect(probe.state, `${probe.reason}\n${result.stderr}`).toBe('healthy');
    expectNoSecret(result, 'Probe-pw-123');
  });

  it('wrong password: unhealthy, exit 1, the server refusing it, the password not printed', async () => {
    const wrong = 'Wrong-redis-pw-9';
    const { result, probe } = await checkJson(dir, env(redis.urlFor({ password: wrong })));
    expect(result.exitCode).toBe(1);
    expect(probe.state).toBe('unhealthy');
    expect(probe.reason).toMatch(/WRONGPASS|invalid password|AUTH failed/i);
    expectNoSecret(result, wrong, redis.password!);
  });

  it('no password for a server that requires one: unhealthy, NOAUTH', async () => {
    const { result, probe } = await checkJson(dir, env(redis.urlFor({ password: false })));
    expect(result.exitCode).toBe(1);
    expect(probe.state).toBe('unhealthy');
    expect(probe.reason).toContain('NOAUTH');
  });

  it('redis-cli not installed: state "unknown", exit 127, with an install hint', async () => {
    const pathValue = pathWithout(['redis-cli'], ['node']);
    const human = await runCli(['health-check'], { cwd: dir, env: env(redis.url, { PATH: pathValue }) });
    expect(human.exitCode).toBe(127);
    expect(human.stderr).toContain('main: not checked: redis-cli is not installed');
    expect(human.stderr).toContain('apt-get install redis-tools');
  });

  // Last: it stops the server.
  it('the server stopped: unhealthy, exit 1, "Connection refused"', async () => {
    await redis.stop();
    expect(isAlive(redis.pid)).toBe(false);
    const { result, probe } = await checkJson(dir, env(redis.url));
    expect(result.exitCode).toBe(1);
    expect(probe.state).toBe('unhealthy');
    expect(probe.reason).toContain(`Could not connect to Redis at 127.0.0.1:${redis.port}: Connection refused`);
    expectNoSecret(result, redis.password!);
  });
});

describe.skipIf(!hasShebangs)('health-check: mongo probe with the mongosh STAND-IN (mongo stand-in) against a TCP listener', () => {
  let dir: string;
  let listener: net.Server;
  let port: number;
  const password = 'Mongo-s3cret@pw';
  const uri = (p: number) => `mongodb://app:${encodeURIComponent(password)}@127.0.0.1:${p}/shop?authSource=admin`;
  const env = (url: string, extra: Record<string, string> = {}) =>
    cleanEnv({ DATABASE_URL: url, PATH: [STAND_INS, path.dirname(process.execPath), process.env.PATH].join(path.delimiter), ...extra });

  beforeAll(async () => {
    dir = project('mongo');
    listener = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => (listener.listening ? listener.close(() => resolve()) : resolve())));

  it('mongo stand-in: server up -> healthy, exit 0, server version in details; the URI reached mongosh only through its env', async () => {
    const log = path.join(makeTempDir('mongosh-log'), 'calls.jsonl');
    const { result, probe } = await checkJson(dir, env(uri(port), { MONGOSH_STANDIN_LOG: log }));
    expect(result.exitCode, `${probe.reason}\n${result.stderr}`).toBe(0);
    expect(probe).toMatchObject({ name: 'main', kind: 'mongo', state: 'healthy', target: `mongodb://app@127.0.0.1:${port}/shop?authSource=admin`, details: { serverVersion: '7.0.0' } });
    expect(probe.reason).toContain('(server 7.0.0)');
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { argv: string[]; envKeys: string[] });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.argv.slice(0, 4)).toEqual(['--nodb', '--quiet', '--norc', '--eval']);
    expect(calls[0]!.envKeys).toContain('OPSCTL_MONGO_URI');
    expectNoSecret(result, password, encodeURIComponent(password));
  });

  it('mongo stand-in: nothing listening -> unhealthy, exit 1, the connection error', async () => {
    const closed = await freePort();
    const { result, probe } = await checkJson(dir, env(uri(closed)));
    expect(result.exitCode).toBe(1);
    expect(probe.state).toBe('unhealthy');
    expect(probe.reason).toBe(`MongoServerSelectionError: connect ECONNREFUSED 127.0.0.1:${closed}`);
    expectNoSecret(result, password, encodeURIComponent(password));
  });

  it('mongosh not installed: state "unknown", exit 127, with an install hint', async () => {
    const human = await runCli(['health-check'], { cwd: dir, env: env(uri(port), { PATH: path.dirname(process.execPath) }) });
    expect(human.exitCode).toBe(127);
    expect(human.stderr).toContain('main: not checked: mongosh is not installed');
    expect(human.stderr).toContain('Install the MongoDB Shell');
  });
});

describe.skipIf(!hasPostgres || !hasRedis)('health-check: a server that accepts connections and never answers', () => {
  let blackHole: net.Server;
  let port: number;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    blackHole = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    port = (blackHole.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => blackHole.close(() => resolve()));
  });

  // health.timeout is 3s: the client is stopped then, and health-check answers instead of hanging.
  it.each([
    ['postgres', 'psql', (p: number) => `postgresql://app:Hung-pw-1234@127.0.0.1:${p}/shop`, /^no answer within 3(\.0)?s$|timeout expired/],
    ['redis', 'redis-cli', (p: number) => `redis://:Hung-pw-1234@127.0.0.1:${p}`, /^no answer within 3(\.0)?s$/],
  ] as const)('%s: unhealthy after health.timeout, exit 1 (%s is stopped)', async (type, _client, url, reason) => {
    const dir = project(type);
    const { result, probe } = await checkJson(dir, cleanEnv({ DATABASE_URL: url(port) }));
    expect(result.exitCode).toBe(1);
    expect(probe.state).toBe('unhealthy');
    expect(probe.reason).toMatch(reason);
    expect(result.durationMs).toBeGreaterThanOrEqual(2_900);
    expect(result.durationMs).toBeLessThan(20_000);
    expectNoSecret(result, 'Hung-pw-1234');
  });
});

describe('health-check: health.databases naming an undefined database', () => {
  it('exits 2 before probing anything, naming the database and the defined ones', async () => {
    const dir = makeTempDir('health-unknown-db');
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: {
        prod: {
          target: { pm2: { script: 'app.js' } },
          health: { host: false, retries: 1, timeout: '3s', databases: ['main', 'cache'] },
          databases: { main: { type: 'postgres', url: '${DATABASE_URL}' } },
        },
      },
    });
    const result = await runCli(['health-check'], { cwd: dir, env: cleanEnv({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/db' }) });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('health.databases[1]: "cache" is not defined under databases (defined: main)');
  });
});

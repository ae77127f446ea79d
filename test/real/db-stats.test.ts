// opsctl db stats / terminate / maintain end to end with the built CLI: a throwaway PostgreSQL cluster under
// pgbench load with a deliberately slow query (pg_sleep), a throwaway redis-server, and the mongosh STAND-IN
// for mongo (MongoDB cannot be installed here). URLs come from the environment (.env), never from argv.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, REPO_ROOT, removeTempDirs, runCli, waitFor, writeConfig } from '../support/real-cli.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { startRedis, stopAllRedis } from '../support/real-redis.js';
import { postgresBinDir, requireTool } from '../support/real-tools.js';

const hasPostgres = requireTool('postgres');
const hasRedis = requireTool('redis');
const STAND_INS = path.join(REPO_ROOT, 'test', 'support', 'stand-ins');

interface Stats {
  state: string;
  databases: { name: string; state: string; reasons: string[]; figures: Record<string, number | null>; slowQueries?: { pid: number; query: string; durationMs: number }[]; tables?: { name: string }[] }[];
}

beforeAll(ensureBuilt);
afterAll(async () => {
  await Promise.all([stopAllPostgres(), stopAllRedis()]);
  removeTempDirs();
});

function project(label: string, databases: Record<string, { type: string; url: string }>, dotenv: string): string {
  const dir = makeTempDir(label);
  writeConfig(dir, { version: 1, app: 'shop', environments: { prod: { target: { pm2: { script: 'app.js' } }, databases } } });
  writeFileSync(path.join(dir, '.env'), dotenv);
  return dir;
}

describe.skipIf(!hasPostgres)('db stats, terminate and maintain against real PostgreSQL with pgbench load and a pg_sleep query', () => {
  let pg: PostgresServer;
  let dir: string;
  let slow: ResultPromise | undefined;
  let load: ResultPromise | undefined;
  const pgEnv = () => ({ PGPASSWORD: pg.password, PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGUSER: 'postgres' });
  beforeAll(async () => {
    pg = await startPostgres();
    await pg.createDatabase('shop');
    const pgbench = path.join(postgresBinDir()!, 'pgbench');
    await execa(pgbench, ['-i', '-s', '1', '-q', 'shop'], { env: pgEnv(), stdin: 'ignore' });
    dir = project('db-pg', { main: { type: 'postgres', url: '${DATABASE_URL}' } }, `DATABASE_URL=${pg.urlFor('shop')}\n`);
  });
  afterAll(async () => {
    for (const child of [slow, load]) if (child?.pid) child.kill('SIGKILL');
    await Promise.allSettled([slow, load]);
  });

  it('lists the slow query (degraded, exit 3) with size, connections and pgbench tables; the password never shows', async () => {
    load = execa(path.join(postgresBinDir()!, 'pgbench'), ['-c', '2', '-T', '20', 'shop'], { env: pgEnv(), stdin: 'ignore', reject: false });
    slow = execa('psql', ['-X', '-d', 'shop', '-c', "select pg_sleep(600) /* opsctl-test 'secret literal' */"], { env: pgEnv(), stdin: 'ignore', reject: false });
    const pid = Number(await waitFor('the pg_sleep query to run 2 s', async () =>
      (await pg.psql("select pid from pg_stat_activity where query like 'select pg_sleep%' and now() - query_start > interval '2 seconds'", 'shop')) || undefined));
    const result = await runCli(['db', 'stats', '--slow', '1s', '--json', '-e', 'prod'], { cwd: dir, env: cleanEnv() });
    expect(result.stdout + result.stderr).not.toContain(pg.password);
    const report = parseJson<Stats>(result.stdout);
    const main = report.databases[0]!;
    expect(result.exitCode).toBe(3);
    expect(main.state).toBe('degraded');
    expect(main.slowQueries!.map((q) => q.pid)).toContain(pid);
    const query = main.slowQueries!.find((q) => q.pid === pid)!;
    expect(query.query).toMatch(/^select pg_sleep\(\?\)/);
    expect(query.query).not.toContain('secret literal');
    expect(main.figures.sizeBytes).toBeGreaterThan(1_000_000);
    expect(main.figures.connections).toBeGreaterThanOrEqual(2);
    expect(main.figures.maxConnections).toBe(Number(await pg.psql('show max_connections')));
    expect(main.tables!.map((t) => t.name)).toContain('public.pgbench_accounts');
    // The default threshold (5m) lists nothing yet: the verdict is healthy.
    const calm = await runCli(['db', 'stats', '--json', '-e', 'prod'], { cwd: dir, env: cleanEnv() });
    expect(calm.exitCode).toBe(0);
    expect(parseJson<Stats>(calm.stdout).databases[0]!.slowQueries).toEqual([]);
  });

  it('terminate lists first: --dry-run and a missing --yes end nothing, --yes ends the query and is journaled', async () => {
    const running = async () => Number(await pg.psql("select count(*) from pg_stat_activity where query like 'select pg_sleep%'", 'shop'));
    const dry = await runCli(['db', 'terminate', '--older-than', '1s', '--dry-run', '-e', 'prod'], { cwd: dir, env: cleanEnv() });
    expect(dry.exitCode).toBe(0);
    expect(dry.stderr).toContain('pg_sleep');
    expect(dry.stderr).toContain('would run: psql');
    expect(await running()).toBe(1);
    const unconfirmed = await runCli(['db', 'terminate', '--older-than', '1s', '-e', 'prod'], { cwd: dir, env: cleanEnv() });
    expect(unconfirmed.exitCode).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');
    expect(await running()).toBe(1);
    const done = await runCli(['db', 'terminate', '--older-than', '1s', '--yes', '--json', '-e', 'prod'], { cwd: dir, env: cleanEnv() });
    expect(done.exitCode).toBe(0);
    const data = parseJson<{ databases: { found: { pid: number }[]; terminated: number[] }[] }>(done.stdout);
    expect(data.databases[0]!.terminated).toEqual(data.databases[0]!.found.map((q) => q.pid));
    expect((await slow!).exitCode).not.toBe(0);
    expect(await running()).toBe(0);
    const history = parseJson<{ entries: { type: string; details: { count: number } }[] }>((await runCli(['history', '--type', 'db-terminate', '--json', '-e', 'prod'], { cwd: dir, env: cleanEnv() })).stdout);
    expect(history.entries[0]).toMatchObject({ type: 'db-terminate', details: { count: 1 } });
  });

  it('maintain runs VACUUM (ANALYZE) on the named table, journaled with the sizes before and after', async () => {
    await pg.psql('delete from pgbench_accounts where aid % 2 = 0', 'shop');
    const result = await runCli(['db', 'maintain', '--table', 'pgbench_accounts', '--json', '-e', 'prod'], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode).toBe(0);
    const data = parseJson<{ databases: { beforeBytes: number; afterBytes: number; tables: string[] }[] }>(result.stdout);
    expect(data.databases[0]).toMatchObject({ tables: ['pgbench_accounts'] });
    expect(data.databases[0]!.beforeBytes).toBeGreaterThan(0);
    expect(await pg.psql("select last_vacuum is not null and last_analyze is not null from pg_stat_user_tables where relname = 'pgbench_accounts'", 'shop')).toBe('t');
    const history = parseJson<{ entries: { type: string; result: string }[] }>((await runCli(['history', '--type', 'db-maintain', '--json', '-e', 'prod'], { cwd: dir, env: cleanEnv() })).stdout);
    expect(history.entries).toMatchObject([{ type: 'db-maintain', result: 'success' }]);
  });
});

describe.skipIf(!hasRedis)('db stats against a real redis-server: memory and hit rate judged by the manuals\' thresholds', () => {
  it('a hit rate under 80% is unhealthy (exit 1); after enough hits it is healthy (exit 0)', async () => {
    const redis = await startRedis({ password: 'r3dis-secret' });
    const dir = project('db-redis', { cache: { type: 'redis', url: '${REDIS_URL}' } }, `REDIS_URL=${redis.url}\n`);
    await redis.cli(['set', 'k', 'v']);
    for (let i = 0; i < 3; i++) await redis.cli(['get', `missing-${i}`]);
    await redis.cli(['get', 'k']);
    const low = await runCli(['db', 'stats', '--only', 'cache', '--json', '-e', 'prod'], { cwd: dir, env: cleanEnv() });
    expect(low.stdout).not.toContain('r3dis-secret');
    const cache = parseJson<Stats>(low.stdout).databases[0]!;
    expect(low.exitCode).toBe(1);
    expect(cache).toMatchObject({ state: 'unhealthy', figures: { hitRatePercent: 25, keyspaceHits: 1, keyspaceMisses: 3 } });
    expect(cache.reasons[0]).toContain('hit rate 25.0% (under 80%)');
    expect(cache.figures.usedMemoryBytes).toBeGreaterThan(0);
    for (let i = 0; i < 30; i++) await redis.cli(['get', 'k']);
    const good = await runCli(['db', 'stats', '--json', '-e', 'prod'], { cwd: dir, env: cleanEnv() });
    expect(good.exitCode).toBe(0);
    expect(parseJson<Stats>(good.stdout).databases[0]!.state).toBe('healthy');
  });
});

describe('db stats for mongo through the mongosh STAND-IN (MongoDB cannot run here)', () => {
  it('reports dbStats and connections; 85% of the connections in use is degraded', async () => {
    const dir = project('db-mongo', { docs: { type: 'mongo', url: '${MONGO_URI}' } }, 'MONGO_URI=mongodb://app:m0ngo-pw@127.0.0.1:1/shop\n');
    const env = (connections: string) => cleanEnv({ PATH: `${STAND_INS}${path.delimiter}${process.env.PATH}`, MONGOSH_STANDIN_CONNECTIONS: connections });
    // The stand-in connects first: a TCP listener stands for the server.
    const net = await import('node:net');
    const server = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    writeFileSync(path.join(dir, '.env'), `MONGO_URI=mongodb://app:m0ngo-pw@127.0.0.1:${port}/shop\n`);
    try {
      const ok = await runCli(['db', 'stats', '--json', '-e', 'prod'], { cwd: dir, env: env('5,795') });
      expect(ok.exitCode).toBe(0);
      expect(parseJson<Stats>(ok.stdout).databases[0]).toMatchObject({ state: 'healthy', figures: { collections: 3, objects: 120, connections: 5, connectionsPercent: 1 } });
      const busy = await runCli(['db', 'stats', '--json', '-e', 'prod'], { cwd: dir, env: env('85,15') });
      expect(busy.exitCode).toBe(3);
      expect(parseJson<Stats>(busy.stdout).databases[0]!.reasons).toEqual(['connections at 85% (over 80%)']);
    } finally {
      server.close();
    }
  });
});

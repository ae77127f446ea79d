/**
 * source.migrate end to end with the built CLI: a real app (test/support/migrating-app.ts) whose real
 * migrations run with psql against a throwaway PostgreSQL cluster, a real pm2 daemon (own PM2_HOME) and a
 * real git repo. A failing migration stops the deploy before the switch; rollback across a migration is
 * refused, then done with --restore-db; `opsctl migrate` and `opsctl exec` run in the current release.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, uniqueSuffix, writeConfig } from '../support/real-cli.js';
import { makeMigratingApp, type MigratingApp, migratingEnvironment } from '../support/migrating-app.js';
import { freePort, getOnce, jlist, killPm2, pathWithPm2 } from '../support/real-pm2.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('pm2', 'git', 'postgres');

describe.skipIf(!available)('deploy with source.migrate: real app, real migrations on real PostgreSQL, real pm2 and git', () => {
  const name = `opsctl-migr-${uniqueSuffix()}`;
  let dir: string;
  let home: string;
  let port: number;
  let pg: PostgresServer;
  let repo: MigratingApp;
  const v = (n: 1 | 2 | 3) => repo.shas[n - 1]!;
  // -e goes first: everything after exec's `--` is the command's own argv.
  const cli = (args: string[]) => runCli(['-e', 'prod', ...args], { cwd: repo.app, env: cleanEnv({ PM2_HOME: home, PATH: pathWithPm2() }), timeoutMs: 120_000 });
  const served = async () => (await getOnce(port)).version;
  const columns = () => pg.psql("select string_agg(column_name, ',' order by column_name) from information_schema.columns where table_name = 'users'", 'shop');

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('deploy-migrate');
    home = path.join(dir, 'pm2-home');
    pg = await startPostgres();
    await pg.createDatabase('shop');
    repo = await makeMigratingApp(path.join(dir, 'repo'));
    port = await freePort();
    writeFileSync(path.join(repo.app, '.env'), `DATABASE_URL=${pg.urlFor('shop')}\n`);
    writeConfig(repo.app, { version: 1, app: 'migr', environments: { prod: migratingEnvironment(dir, name, port) } });
  }, 300_000);

  afterAll(async () => {
    if (home) await killPm2(home, (await jlist(home).catch(() => [])).map((p) => p.pid).filter((pid) => pid > 0));
    await stopAllPostgres();
    removeTempDirs();
  });

  it('v1 then v2: each migration runs before the switch, its output in the result; the journal marks the release', async () => {
    const first = await cli(['deploy', '--ref', v(1), '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    const result = parseJson(first.stdout);
    expect(result).toMatchObject({ outcome: 'deployed', running: v(1), migrations: [{ command: 'node migrate.cjs', exitCode: 0 }] });
    expect(result.migrations[0].output).toContain('applied 001_users.sql');
    expect(result.migrations[0].output).toContain(`migrations done in release ${v(1)}`);
    expect(result.migrations[0].output).not.toContain(pg.password);
    expect(result.steps.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['backup', 'build', 'migrate', 'switch']));
    const order = result.steps.map((s: { name: string }) => s.name);
    expect(order.indexOf('migrate')).toBeGreaterThan(order.indexOf('backup'));
    expect(order.indexOf('migrate')).toBeLessThan(order.indexOf('switch'));
    expect(await served()).toBe('v1');
    expect(await columns()).toBe('id,name');

    const second = await cli(['deploy', '--ref', v(2), '--json']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(parseJson(second.stdout).migrations[0].output).toContain('applied 002_email.sql');
    expect(await columns()).toBe('email,id,name');
    expect(await served()).toBe('v2');
    const history = parseJson((await cli(['history', '--type', 'deploy', '--json'])).stdout);
    expect(history.entries[0].details).toMatchObject({ release: v(2), migrations: ['node migrate.cjs'] });
  }, 180_000);

  it('a failing migration stops the deploy before the switch and says so: v2 keeps serving', async () => {
    const failed = await cli(['deploy', '--ref', v(3), '--json']);
    expect(failed.exitCode).toBe(1);
    const result = parseJson(failed.stdout);
    expect(result.outcome).toBe('failed');
    expect(result.error).toContain('migration "node migrate.cjs" failed');
    expect(result.error).toContain(`stopped before the switch: ${v(2).slice(0, 7)} keeps running`);
    expect(result.migrations[0].exitCode).not.toBe(0);
    expect(result.migrations[0].output).toContain('no_such_table');
    expect(result.steps.find((s: { name: string }) => s.name === 'migrate').status).toBe('failed');
    expect(result.steps.some((s: { name: string }) => s.name === 'switch')).toBe(false);
    expect(await served()).toBe('v2');
    expect(await pg.psql("select count(*) from schema_migrations where name = '003_broken.sql'", 'shop')).toBe('0');
  }, 180_000);

  it('rollback across the v2 migration is refused naming it; --restore-db restores the backup taken before v2', async () => {
    await pg.psql("insert into users (name, email) values ('ada', 'ada@example.com')", 'shop');
    const refused = await cli(['rollback', '--json']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`crosses the migrations of ${v(2).slice(0, 7)} (node migrate.cjs`);
    expect(refused.stderr).toContain('--restore-db');
    expect(await served()).toBe('v2');
    const back = await cli(['rollback', '--restore-db', '--yes', '--json']);
    expect(back.exitCode, back.stderr).toBe(0);
    const result = parseJson(back.stdout);
    const deploys = parseJson((await cli(['history', '--type', 'deploy', '--json'])).stdout).entries;
    const v2Backup = deploys.find((e: { details: { release: string; running: string } }) => e.details.release === v(2) && e.details.running === v(2)).details.backup;
    expect(result).toMatchObject({ outcome: 'rolled-back', running: v(1), restored: v2Backup });
    expect(await columns()).toBe('id,name');
    expect(await served()).toBe('v1');
  }, 180_000);

  it('opsctl migrate (dry run, then for real, journaled) and opsctl exec run in the current release with its variables', async () => {
    const dry = await cli(['migrate', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('would run: node migrate.cjs');
    const real = await cli(['migrate', '--json']);
    expect(real.exitCode, real.stderr + real.stdout).toBe(0);
    const data = parseJson(real.stdout);
    expect(data).toMatchObject({ ok: true, release: v(1), migrations: [{ exitCode: 0 }] });
    expect(data.backup).toMatch(/^\d{8}T/);
    expect(data.migrations[0].output).toContain(`migrations done in release ${v(1)}`);
    const exec = await cli(['exec', '--json', '--', 'node', '-e', 'console.log(process.env.OPSCTL_RELEASE + " " + require("fs").readFileSync("VERSION", "utf8").trim() + " " + Boolean(process.env.DATABASE_URL))']);
    expect(exec.exitCode, exec.stderr).toBe(0);
    expect(parseJson(exec.stdout)).toMatchObject({ exitCode: 0, stdout: `${v(1)} v1 true` });
    const failing = await cli(['exec', '--', 'node', '-e', 'process.exit(5)']);
    expect(failing.exitCode).toBe(1);
    const types = parseJson((await cli(['history', '--json'])).stdout).entries.map((e: { type: string }) => e.type);
    expect(types.slice(0, 3)).toEqual(['exec', 'exec', 'migrate']);
  }, 180_000);
});

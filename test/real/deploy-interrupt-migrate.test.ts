// Issue 14 part 3, Tests: Ctrl-C during source.migrate. The first migration command has changed the real
// PostgreSQL database when the second (a blocker: test/support/step-blocker.ts) is stopped. The message must
// not say "not changed": the app was not switched, the database may be part-way, the backup before it is named.
// Then status and another deploy, checked against pm2, what the app serves and the database.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, isAlive, makeTempDir, parseJson, removeTempDirs, runCli, startCli, uniqueSuffix, waitFor, writeConfig } from '../support/real-cli.js';
import { makeMigratingApp, type MigratingApp, migratingEnvironment } from '../support/migrating-app.js';
import { freePort, getOnce, jlist, killPm2, pathWithPm2 } from '../support/real-pm2.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { requireTools } from '../support/real-tools.js';
import { stepBlocker, type StepBlocker } from '../support/step-blocker.js';

const available = requireTools('pm2', 'git', 'postgres', 'posix-signals');

describe.skipIf(!available)('Ctrl-C during source.migrate: real migrations on real PostgreSQL, real pm2 and git', () => {
  const name = `opsctl-intmig-${uniqueSuffix()}`;
  let dir: string;
  let home: string;
  let port: number;
  let pg: PostgresServer;
  let repo: MigratingApp;
  let blocker: StepBlocker;
  const env = () => cleanEnv({ PM2_HOME: home, PATH: pathWithPm2() });
  const cli = (...args: string[]) => runCli(['-e', 'prod', ...args], { cwd: repo.app, env: env(), timeoutMs: 240_000 });
  const columns = () => pg.psql("select string_agg(column_name, ',' order by column_name) from information_schema.columns where table_name = 'users'", 'shop');

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('interrupt-migrate');
    home = path.join(dir, 'pm2-home');
    blocker = stepBlocker(makeTempDir('interrupt-migrate-control'));
    pg = await startPostgres();
    await pg.createDatabase('shop');
    repo = await makeMigratingApp(path.join(dir, 'repo'));
    port = await freePort();
    writeFileSync(path.join(repo.app, '.env'), `DATABASE_URL=${pg.urlFor('shop')}\n`);
    writeConfig(repo.app, { version: 1, app: 'intmig', environments: { prod: migratingEnvironment(dir, name, port, ['node migrate.cjs', blocker.line('migrate')]) } });
  }, 300_000);

  afterAll(async () => {
    if (home) await killPm2(home, (await jlist(home).catch(() => [])).map((p) => p.pid).filter((pid) => pid > 0));
    await stopAllPostgres();
    removeTempDirs();
  });

  it('stopped in the migrate step: v1 keeps serving, the message says the database was migrating and names the backup; the next deploy finishes', async () => {
    const [v1, v2] = repo.shas as [string, string];
    blocker.stopAt('none');
    expect((await cli('deploy', '--ref', v1)).exitCode).toBe(0);
    const pids = (await jlist(home)).filter((p) => p.name === name).map((p) => p.pid);

    blocker.stopAt('migrate');
    const deploy = startCli(['-e', 'prod', 'deploy', '--ref', v2, '--json'], { cwd: repo.app, env: env(), timeoutMs: 240_000 });
    let stderr = '';
    deploy.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const migrating = await waitFor('the second migration command to block', () => blocker.reached('migrate'), 120_000, 50);
    // The first command ran: v2's column is in the database before the signal.
    expect(await columns()).toBe('email,id,name');
    deploy.kill('SIGINT');
    const stopped = await deploy;
    expect(stopped.exitCode).toBe(130);
    const backup = /backup set (\S+) was taken before it/.exec(stderr)?.[1];
    expect(backup, stderr).toBeDefined();
    expect(stderr).toContain(`deploy stopped during migrate, before the switch: prod's app was not switched (${v1.slice(0, 7)} keeps running).`);
    expect(stderr).toContain('the database, which source.migrate was migrating when stopped (it may be part-way)');
    expect(stderr).not.toContain('prod was not changed');
    await waitFor('the blocked migration to be stopped', () => !isAlive(migrating), 10_000, 50);

    expect((await jlist(home)).filter((p) => p.name === name).map((p) => p.pid)).toEqual(pids);
    expect(await getOnce(port)).toMatchObject({ version: 'v1', release: v1 });
    const status = parseJson((await cli('status', '--json')).stdout);
    expect(status.drift).toMatchObject({ mixed: false, recorded: v1 });
    expect(status.lock).toBeNull();

    blocker.stopAt('none');
    const again = await cli('deploy', '--ref', v2, '--json');
    expect(again.exitCode, again.stderr).toBe(0);
    expect(parseJson(again.stdout)).toMatchObject({ outcome: 'deployed', running: v2 });
    expect(await getOnce(port)).toMatchObject({ version: 'v2', release: v2 });
    expect(await columns()).toBe('email,id,name');
  }, 600_000);
});

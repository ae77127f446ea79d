// The shipped dr-drill runbook against a throwaway PostgreSQL cluster: production's latest backup is
// restored into staging's database (restore --from-env, in staging) and staging is health-checked, each
// step the built opsctl again.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { pathWithPm2 } from '../support/real-pm2.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { requireTools } from '../support/real-tools.js';

describe.skipIf(!requireTools('postgres', 'pm2'))('dr-drill runbook: production\'s latest backup into staging (throwaway PostgreSQL)', () => {
  let pg: PostgresServer;
  let dir: string;
  let env: Record<string, string | undefined>;
  const cli = (args: string[]) => runCli(args, { cwd: dir, env, timeoutMs: 120_000 });

  beforeAll(async () => {
    await ensureBuilt();
    pg = await startPostgres();
    await pg.createDatabase('shop');
    await pg.createDatabase('shop_staging');
    await pg.psql("create table items (id int primary key, name text); insert into items select i, 'item ' || i from generate_series(1, 250) i;", 'shop');
    await pg.psql("create table items (id int primary key, name text); insert into items values (1, 'stale staging row');", 'shop_staging');
    dir = makeTempDir('runbook-dr');
    const health = { host: false, retries: 1, databases: ['main'] };
    // status (the drill's first step) reads pm2: an empty PM2_HOME says "not running" and starts nothing.
    const target = { pm2: { name: 'shop', script: 'app.js' } };
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: {
        production: {
          target,
          health,
          databases: { main: { type: 'postgres', url: '${PROD_URL}' } },
          backup: { databases: ['main'] },
        },
        staging: { target, health, databases: { main: { type: 'postgres', url: '${STAGING_URL}' } } },
      },
    });
    env = cleanEnv({ PROD_URL: pg.urlFor('shop'), STAGING_URL: pg.urlFor('shop_staging'), PM2_HOME: path.join(dir, 'pm2-home'), PATH: pathWithPm2() });
    const backup = await cli(['backup', '-e', 'production']);
    expect(backup.exitCode, backup.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await stopAllPostgres();
    removeTempDirs();
  });

  it('--dry-run shows the plan with production and staging steps and restores nothing', async () => {
    const result = await cli(['runbook', 'run', 'dr-drill', '-e', 'staging', '--dry-run', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const steps = parseJson(result.stdout).steps as { argv: string[]; result: string }[];
    expect(steps.map((s) => s.argv.join(' '))).toEqual([
      'opsctl -e production status --history 0',
      'opsctl -e production backup verify latest',
      'opsctl -e staging restore latest --only main --from-env production',
      'opsctl -e staging health-check',
    ]);
    expect(await pg.psql('select count(*) from items', 'shop_staging')).toBe('1');
  });

  it('restores production\'s rows into staging and health-checks staging: exit 0', async () => {
    const result = await cli(['runbook', 'run', 'dr-drill', '-e', 'staging', '--yes', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const data = parseJson(result.stdout);
    expect(data.steps.map((s: { name: string; result: string }) => [s.name, s.result])).toEqual([
      ['latest production backup is recent', 'passed'],
      ['verify the production backup', 'passed'],
      ['restore it into staging', 'passed'],
      ['health-check staging', 'passed'],
    ]);
    expect(data.steps[2].output.restored).toEqual([{ name: 'main', kind: 'postgres', into: pg.urlFor('shop_staging', { password: false }) }]);
    // Staging's own rules: its data before the drill is a safety set of staging, none is filed among production's.
    expect(data.steps[2].output).toMatchObject({ environment: 'staging', from: 'production' });
    const stagingSets = parseJson((await cli(['backup', 'list', '-e', 'staging', '--json'])).stdout).sets;
    expect(stagingSets.map((s: { id: string; kind: string }) => [s.id, s.kind])).toEqual([[data.steps[2].output.safetySet, 'safety']]);
    expect(parseJson((await cli(['backup', 'list', '-e', 'production', '--json'])).stdout).sets.map((s: { kind: string }) => s.kind)).toEqual(['regular']);
    expect(await pg.psql('select count(*) from items', 'shop_staging')).toBe('250');
    expect(await pg.psql('select count(*) from items', 'shop')).toBe('250');
    // The password reached the children through the environment, never the JSON.
    expect(result.stdout).not.toContain(pg.password);
  });
});

// restore -e staging --from-env production against a throwaway PostgreSQL cluster: production's set goes into
// staging's databases of the same names, under staging's confirmation, lock and safety backup; production's
// files (its .env) stay out unless named, and production's data and sets are left as they were.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { requireTool } from '../support/real-tools.js';

describe.skipIf(!requireTool('postgres'))('restore --from-env: another environment\'s set into this one (throwaway PostgreSQL)', () => {
  let pg: PostgresServer;
  let dir: string;
  let env: Record<string, string | undefined>;
  const cli = (args: string[]) => runCli(args, { cwd: dir, env, timeoutMs: 120_000 });
  const rows = (db: string) => pg.psql("select string_agg(name, ',' order by id) from items", db);
  const sets = async (name: string) => parseJson((await cli(['backup', 'list', '-e', name, '--json'])).stdout).sets as { id: string; kind: string; reason: string | null }[];

  beforeAll(async () => {
    await ensureBuilt();
    pg = await startPostgres();
    for (const db of ['prod', 'prod_stats', 'stage']) await pg.createDatabase(db);
    await pg.psql("create table items (id int primary key, name text); insert into items values (1, 'prod one'), (2, 'prod two');", 'prod');
    await pg.psql("create table hits (n int); insert into hits values (1);", 'prod_stats');
    await pg.psql("create table items (id int primary key, name text); insert into items values (1, 'stage only');", 'stage');
    dir = makeTempDir('restore-from-env');
    mkdirSync(path.join(dir, 'prod'));
    mkdirSync(path.join(dir, 'stage'));
    writeFileSync(path.join(dir, 'prod', '.env'), 'SECRET=production\n');
    writeFileSync(path.join(dir, 'stage', '.env'), 'SECRET=staging\n');
    const target = { pm2: { name: 'shop', script: 'app.js' } };
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: {
        production: {
          target,
          databases: { main: { type: 'postgres', url: '${PROD_URL}' }, stats: { type: 'postgres', url: '${STATS_URL}' } },
          backup: { dir: 'backups/production', databases: ['main', 'stats'], files: ['prod/.env'] },
        },
        staging: { target, databases: { main: { type: 'postgres', url: '${STAGE_URL}' } }, backup: { dir: 'backups/staging', files: ['stage/.env'] } },
      },
    });
    env = cleanEnv({ PROD_URL: pg.urlFor('prod'), STATS_URL: pg.urlFor('prod_stats'), STAGE_URL: pg.urlFor('stage') });
    const backup = await cli(['backup', '-e', 'production']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    await pg.psql("insert into items values (3, 'prod three')", 'prod');
  }, 180_000);

  afterAll(async () => {
    await stopAllPostgres();
    removeTempDirs();
  });

  it('asks staging\'s confirmation; a part staging has no database for, or an unknown environment: exit 2, nothing restored', async () => {
    const unconfirmed = await cli(['restore', 'latest', '-e', 'staging', '--from-env', 'production', '--only', 'main']);
    expect(unconfirmed.exitCode).toBe(2);
    expect(unconfirmed.stderr).toMatch(/restore replaces the current data of staging \(main -> .*\/stage\) and needs confirmation/);
    const stats = await cli(['restore', 'latest', '-e', 'staging', '--from-env', 'production', '--yes']);
    expect(stats.exitCode).toBe(2);
    expect(stats.stderr).toMatch(/Part stats has no database of that name in staging[\s\S]*--only stats --to <database>/);
    const unknown = await cli(['restore', 'latest', '-e', 'staging', '--from-env', 'prod', '--yes']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('Unknown environment "prod"');
    expect(await rows('stage')).toBe('stage only');
    expect(await sets('staging')).toEqual([]);
  });

  it('--only main puts production\'s rows into staging\'s main after a safety set of staging; production and its sets are untouched', async () => {
    const productionSets = await sets('production');
    const restore = await cli(['restore', 'latest', '-e', 'staging', '--from-env', 'production', '--only', 'main', '--yes', '--json']);
    expect(restore.exitCode, restore.stderr).toBe(0);
    const data = parseJson(restore.stdout);
    expect(data).toMatchObject({ environment: 'staging', from: 'production', id: productionSets[0]!.id });
    expect(data.restored).toEqual([{ name: 'main', kind: 'postgres', into: pg.urlFor('stage', { password: false }) }]);
    expect(await rows('stage')).toBe('prod one,prod two');
    expect(await rows('prod')).toBe('prod one,prod two,prod three');
    // The safety set is staging's (its main and its files), among staging's sets; production's list is as it was.
    expect((await sets('staging')).map((s) => [s.id, s.kind])).toEqual([[data.safetySet, 'safety']]);
    expect((await sets('production')).map((s) => s.id)).toEqual(productionSets.map((s) => s.id));
    expect(readFileSync(path.join(dir, 'stage', '.env'), 'utf8')).toBe('SECRET=staging\n');
    const human = await cli(['restore', 'latest', '-e', 'staging', '--from-env', 'production', '--only', 'main', '--dry-run']);
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).toContain(`would restore main from ${productionSets[0]!.id} of production into staging`);
    expect(readFileSync(path.join(dir, '.opsctl', 'history.jsonl'), 'utf8')).toMatch(/"type":"restore".*"environment":"staging".*"from":"production"/);
  }, 120_000);
});

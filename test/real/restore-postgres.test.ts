import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { requireTool } from '../support/real-tools.js';

describe.skipIf(!requireTool('postgres'))('restore against a throwaway PostgreSQL cluster with password auth', () => {
  let pg: PostgresServer;
  let dir: string;
  let env: Record<string, string | undefined>;
  const count = (db = 'shop') => pg.psql('select (select count(*) from items) || \'/\' || (select count(*) from orders)', db);

  beforeAll(async () => {
    await ensureBuilt();
    pg = await startPostgres();
    await pg.createDatabase('shop');
    await pg.createDatabase('staging');
    await pg.psql(
      `create table items (id serial primary key, name text not null);
       insert into items (name) select md5(i::text) from generate_series(1, 5000) i;
       create table orders (id int primary key, item int references items(id));
       insert into orders select i, i from generate_series(1, 300) i;`,
      'shop',
    );
    dir = makeTempDir('restore-pg');
    writeFileSync(path.join(dir, '.env.app'), 'API_KEY=one\n');
    mkdirSync(path.join(dir, 'uploads'));
    writeFileSync(path.join(dir, 'uploads', 'a.txt'), 'first');
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: {
        production: {
          target: { pm2: { name: 'shop', script: 'app.js' } },
          databases: { main: { type: 'postgres', url: '${DB_URL}' }, staging_main: { type: 'postgres', url: '${STAGING_URL}' } },
          backup: { databases: ['main'], files: ['.env.app', 'uploads/'] },
        },
      },
    });
    env = cleanEnv({ DB_URL: pg.urlFor('shop'), STAGING_URL: pg.urlFor('staging') });
  }, 180_000);
  afterAll(async () => {
    await stopAllPostgres();
    removeTempDirs();
  });

  it('round trip: back up, drop a table and change a file, restore, same rows and files; a safety set of the broken state', async () => {
    expect(await count()).toBe('5000/300');
    const backup = await runCli(['backup', '-e', 'production', '--json'], { cwd: dir, env });
    expect(backup.exitCode, backup.stderr).toBe(0);
    const id = parseJson(backup.stdout).set.id;
    await pg.psql('drop table orders; delete from items where id > 10', 'shop');
    writeFileSync(path.join(dir, 'uploads', 'a.txt'), 'overwritten');

    const refused = await runCli(['restore', id, '-e', 'production'], { cwd: dir, env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/needs confirmation[\s\S]*Pass --yes/);
    expect(await pg.psql("select count(*) from information_schema.tables where table_name = 'orders'", 'shop')).toBe('0');

    const restore = await runCli(['restore', id, '-e', 'production', '--yes', '--json'], { cwd: dir, env });
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(await count()).toBe('5000/300');
    expect(readFileSync(path.join(dir, 'uploads', 'a.txt'), 'utf8')).toBe('first');
    const result = parseJson(restore.stdout);
    expect(result.restored.map((r: { name: string }) => r.name)).toEqual(['main', 'files']);
    expect(result.safetySet).not.toBe(id);
    // The safety set holds the broken state: restoring it brings the broken state back.
    const list = parseJson((await runCli(['backup', 'list', '-e', 'production', '--json'], { cwd: dir, env })).stdout);
    expect(list.sets.find((s: { id: string }) => s.id === result.safetySet)).toMatchObject({ kind: 'safety', reason: `safety before restore of ${id}` });
    expect(list.sets.find((s: { id: string }) => s.id === id).kind).toBe('regular');
    const human = (await runCli(['backup', 'list', '-e', 'production'], { cwd: dir, env })).stdout;
    expect(human).toMatch(new RegExp(`${result.safetySet} safety`));
    // `latest` is still the good set, not the safety set of the broken state.
    const verifyLatest = parseJson((await runCli(['backup', 'verify', 'latest', '-e', 'production', '--json'], { cwd: dir, env })).stdout);
    expect(verifyLatest.verification.id).toBe(id);
    for (const text of [backup.stdout, backup.stderr, restore.stdout, restore.stderr, readFileSync(path.join(dir, '.opsctl', 'history.jsonl'), 'utf8')]) {
      expect(text).not.toContain(pg.password);
    }
    expect(readFileSync(path.join(dir, '.opsctl', 'history.jsonl'), 'utf8')).toMatch(/"type":"restore".*"result":"success"/);
  }, 120_000);

  it('--only main --to staging_main restores production\'s dump into another database, and ANALYZEs it; no safety set of staging among production\'s', async () => {
    // `latest` is now the safety set of the broken state; the first set is the good one.
    const listIds = async () => parseJson((await runCli(['backup', 'list', '-e', 'production', '--json'], { cwd: dir, env })).stdout).sets.map((s: { id: string }) => s.id);
    const good = parseJson((await runCli(['backup', 'list', '-e', 'production', '--json'], { cwd: dir, env })).stdout).sets.find((s: { reason: string | null }) => s.reason === null).id;
    const before = await listIds();
    const restore = await runCli(['restore', good, '-e', 'production', '--only', 'main', '--to', 'staging_main', '--yes', '--json'], { cwd: dir, env });
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(restore.stderr).toContain(`--to: NO safety backup of ${pg.urlFor('staging', { password: false })} is taken`);
    expect(parseJson(restore.stdout).safetySet).toBeNull();
    expect(await listIds()).toEqual(before);
    expect(parseJson(restore.stdout).restored).toEqual([{ name: 'main', kind: 'postgres', into: pg.urlFor('staging', { password: false }) }]);
    expect(await count('staging')).toBe('5000/300');
    expect(await pg.psql("select count(*) from pg_stat_user_tables where last_analyze is not null and relname = 'items'", 'staging')).toBe('1');
  }, 60_000);

  it('refuses a set whose dump was damaged, before touching anything', async () => {
    const list = parseJson((await runCli(['backup', 'list', '-e', 'production', '--json'], { cwd: dir, env })).stdout);
    const set = list.sets.find((s: { reason: string | null }) => s.reason === null);
    const file = path.join(dir, 'backups', set.id, 'main.pgdump');
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    writeFileSync(file, bytes);
    await pg.psql('insert into orders values (1000, 1)', 'shop');
    const restore = await runCli(['restore', set.id, '-e', 'production', '--yes'], { cwd: dir, env });
    expect(restore.exitCode).toBe(1);
    expect(restore.stderr).toMatch(new RegExp(`Set ${set.id} failed verification, nothing was restored: main: main.pgdump: sha256`));
    expect(await count()).toBe('5000/301');
    const verify = await runCli(['backup', 'verify', set.id, '-e', 'production'], { cwd: dir, env });
    expect(verify.exitCode).toBe(1);
  }, 60_000);
});

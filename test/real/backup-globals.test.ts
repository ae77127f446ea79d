// databases.<name>.globals against two throwaway PostgreSQL clusters: the roles are backed up with
// pg_dumpall --globals-only (no passwords unless asked), described in the set's README.txt and SHA256SUMS,
// and restored onto a fresh cluster only when named (--only main.globals).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { requireTool } from '../support/real-tools.js';

describe.skipIf(!requireTool('postgres'))('cluster globals: roles backed up and restored onto a fresh cluster (throwaway PostgreSQL)', () => {
  let old: PostgresServer;
  let fresh: PostgresServer;
  let dir: string;
  let env: Record<string, string | undefined>;
  const cli = (args: string[]) => runCli(args, { cwd: dir, env, timeoutMs: 120_000 });
  const roles = (pg: PostgresServer) => pg.psql("select coalesce(string_agg(rolname || ':' || (rolpassword is not null)::text, ',' order by rolname), '') from pg_authid where rolname like 'app_%'");

  beforeAll(async () => {
    await ensureBuilt();
    [old, fresh] = [await startPostgres(), await startPostgres()];
    await old.createDatabase('shop');
    await fresh.createDatabase('shop');
    await old.psql("create role app_reader login password 'reader-secret-1'; create role app_admins nologin; grant app_admins to app_reader;");
    await old.psql('create table items (id int primary key); insert into items values (1), (2);', 'shop');
    dir = makeTempDir('backup-globals');
    const target = { pm2: { name: 'shop', script: 'app.js' } };
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: {
        production: { target, databases: { main: { type: 'postgres', url: '${OLD_URL}', globals: true } }, backup: { dir: 'backups/production', databases: ['main'] } },
        hashes: { target, databases: { main: { type: 'postgres', url: '${OLD_URL}', globals: { passwords: true } } }, backup: { dir: 'backups/hashes', databases: ['main'] } },
        rebuilt: { target, databases: { main: { type: 'postgres', url: '${FRESH_URL}', globals: true } }, backup: { dir: 'backups/rebuilt' } },
      },
    });
    env = cleanEnv({ OLD_URL: old.urlFor('shop'), FRESH_URL: fresh.urlFor('shop') });
  }, 180_000);

  afterAll(async () => {
    await stopAllPostgres();
    removeTempDirs();
  });

  it('backs up the roles without passwords as part main.globals, listed in SHA256SUMS and explained in README.txt', async () => {
    const backup = await cli(['backup', '-e', 'production', '--json']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    const set = parseJson(backup.stdout).set;
    expect(set.manifest.parts.map((p: { name: string; file: string; tool: string }) => [p.name, p.file, p.tool.split(' ')[0]])).toEqual([
      ['main', 'main.pgdump', 'pg_dump'],
      ['main.globals', 'main.globals.sql', 'pg_dumpall'],
    ]);
    const folder = path.join(dir, 'backups', 'production', set.id);
    const script = readFileSync(path.join(folder, 'main.globals.sql'), 'utf8');
    expect(script).toContain('CREATE ROLE app_reader;');
    expect(script).toMatch(/GRANT app_admins TO app_reader/);
    expect(script).not.toMatch(/PASSWORD|SCRAM-SHA-256/);
    expect(readFileSync(path.join(folder, 'SHA256SUMS'), 'utf8')).toMatch(/^[0-9a-f]{64} {2}main\.globals\.sql$/m);
    expect(readFileSync(path.join(folder, 'README.txt'), 'utf8')).toMatch(/main\.globals\.sql[\s\S]*pg_dumpall --globals-only: roles without passwords[\s\S]*psql -X -d "<database URL>" -f main\.globals\.sql/);
    const verify = await cli(['backup', 'verify', 'latest', '-e', 'production', '--restore-test']);
    expect(verify.exitCode, verify.stderr).toBe(0);
  });

  it('with globals: { passwords: true } the password hashes are in the part', async () => {
    const backup = await cli(['backup', '-e', 'hashes', '--json']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    const script = readFileSync(path.join(dir, 'backups', 'hashes', parseJson(backup.stdout).set.id, 'main.globals.sql'), 'utf8');
    expect(script).toMatch(/CREATE ROLE app_reader;\nALTER ROLE app_reader WITH .*PASSWORD 'SCRAM-SHA-256\$/);
    expect(script).not.toContain('reader-secret-1');
  });

  it('onto a fresh cluster: a plain restore leaves the roles out; --only main.globals creates them, without passwords', async () => {
    expect(await roles(fresh)).toBe('');
    const plain = await cli(['restore', 'latest', '-e', 'rebuilt', '--from-env', 'production', '--yes', '--json']);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(parseJson(plain.stdout).restored.map((r: { name: string }) => r.name)).toEqual(['main']);
    expect(plain.stderr).toContain('cluster globals (roles) are restored only when named: --only main.globals');
    expect(await roles(fresh)).toBe('');
    expect(await fresh.psql('select count(*) from items', 'shop')).toBe('2');

    const unconfirmed = await cli(['restore', 'latest', '-e', 'rebuilt', '--from-env', 'production', '--only', 'main.globals']);
    expect(unconfirmed.exitCode).toBe(2);
    const globals = await cli(['restore', 'latest', '-e', 'rebuilt', '--from-env', 'production', '--only', 'main.globals', '--yes', '--json']);
    expect(globals.exitCode, globals.stderr).toBe(0);
    expect(globals.stderr).toContain('roles already on the server, kept: postgres');
    expect(await roles(fresh)).toBe('app_admins:false,app_reader:false');
    expect(await fresh.psql("select pg_has_role('app_reader', 'app_admins', 'member')::text")).toBe('true');
    for (const text of [globals.stdout, globals.stderr]) expect(text).not.toContain(old.password);
  }, 120_000);
});

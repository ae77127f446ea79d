// restore --tables against a throwaway PostgreSQL cluster, from an encrypted set (real age): only the named
// tables get their rows back, with their indexes, constraints and sequences; every other table stays as it is.
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePostgresBackupConfig } from '../support/files-app.js';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli } from '../support/real-cli.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { probeCommand, requireTool } from '../support/real-tools.js';

const ready = requireTool('postgres') && requireTool('age', () => probeCommand('age', ['--version']).problem);

describe.skipIf(!ready)('restore --tables (throwaway PostgreSQL, encrypted set)', () => {
  let pg: PostgresServer;
  let dir: string;
  let key: string;
  let env: Record<string, string | undefined>;
  const cli = (args: string[]) => runCli([...args, '-e', 'production'], { cwd: dir, env, timeoutMs: 120_000 });
  const state = () =>
    pg.psql(
      `select (select string_agg(email, ',' order by id) from users) || ' | ' || (select count(*) from user_sessions) || ' | '
       || (select count(*) from orders) || ' | ' || (select count(*) from items) || ' | ' || (select count(*) from audit.users)`,
      'shop',
    );
  const setCount = async () => parseJson((await cli(['backup', 'list', '--json'])).stdout).sets.length as number;

  beforeAll(async () => {
    await ensureBuilt();
    pg = await startPostgres();
    await pg.createDatabase('shop');
    await pg.psql(
      `create schema audit;
       create table users (id serial primary key, email text unique not null);
       create index users_email_lower on users (lower(email));
       create table user_sessions (id int primary key, user_id int not null references users(id));
       create table orders (id int primary key, user_id int references users(id));
       create table items (id int primary key);
       create table audit.users (id int primary key);
       insert into users (email) values ('ann@example.com'), ('bob@example.com');
       insert into user_sessions values (1, 1), (2, 2);
       insert into orders values (1, 1);
       insert into items values (1);
       insert into audit.users values (1);`,
      'shop',
    );
    dir = makeTempDir('restore-tables');
    key = path.join(dir, 'key.txt');
    await execa('age-keygen', ['-o', key]);
    const recipient = (await execa('age-keygen', ['-y', key])).stdout.trim();
    writePostgresBackupConfig(dir, { encrypt: { recipients: [recipient] } });
    env = cleanEnv({ DB_URL: pg.urlFor('shop') });
    const backup = await cli(['backup']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    // After the backup: users changed and grew, sessions gone; orders, items and audit.users changed too.
    await pg.psql(
      `delete from user_sessions; update users set email = 'changed@example.com' where id = 1; insert into users (email) values ('carl@example.com');
       insert into orders values (2, 2); insert into items values (2); insert into audit.users values (2);`,
      'shop',
    );
  }, 180_000);

  afterAll(async () => {
    await stopAllPostgres();
    removeTempDirs();
  });

  it('a table the dump lacks, an ambiguous name, or --tables without one database part: exit 2, nothing restored nor backed up', async () => {
    const before = await state();
    const sets = await setCount();
    const missing = await cli(['restore', 'latest', '--only', 'main', '--tables', 'users_old', '--identity', key, '--yes']);
    expect(missing.exitCode, missing.stderr).toBe(2);
    expect(missing.stderr).toContain('--tables users_old: part main holds no such table, nothing was restored');
    expect(missing.stderr).toContain('Its tables: audit.users, public.items, public.orders, public.user_sessions, public.users.');
    const ambiguous = await cli(['restore', 'latest', '--only', 'main', '--tables', 'users', '--identity', key, '--yes']);
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toMatch(/--tables users: part main holds audit\.users and public\.users[\s\S]*schema\.table/);
    expect((await cli(['restore', 'latest', '--tables', '', '--identity', key, '--yes'])).exitCode).toBe(2);
    expect(await state()).toBe(before);
    expect(await setCount()).toBe(sets);
  });

  it('--tables public.users,user_sessions puts back those rows with their index, keys and sequence; orders, items and audit.users stay', async () => {
    expect(await state()).toBe('changed@example.com,bob@example.com,carl@example.com | 0 | 2 | 2 | 2');
    // orders row 2 points at user 2, which the backup has: the foreign key is re-added and holds.
    const restore = await cli(['restore', 'latest', '--only', 'main', '--tables', 'public.users,user_sessions', '--identity', key, '--yes', '--json']);
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(parseJson(restore.stdout).restored).toEqual([{ name: 'main', kind: 'postgres', into: pg.urlFor('shop', { password: false }), tables: ['public.users', 'public.user_sessions'] }]);
    expect(await state()).toBe('ann@example.com,bob@example.com | 2 | 2 | 2 | 2');
    const objects = await pg.psql(
      `select string_agg(name, ',' order by name) from (
         select indexname as name from pg_indexes where schemaname = 'public' and tablename in ('users', 'user_sessions')
         union all select conname from pg_constraint where contype = 'f') o`,
      'shop',
    );
    expect(objects).toBe('orders_user_id_fkey,user_sessions_pkey,user_sessions_user_id_fkey,users_email_key,users_email_lower,users_pkey');
    // The sequence is the backup's again: the next user is id 3.
    expect(await pg.psql("insert into users (email) values ('dan@example.com') returning id", 'shop')).toBe('3');
  }, 120_000);
});

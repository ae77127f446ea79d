import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, REPO_ROOT, removeTempDirs, runCli } from '../support/real-cli.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { requireTool } from '../support/real-tools.js';

const STAND_INS = path.join(REPO_ROOT, 'test', 'support', 'stand-ins');

describe.skipIf(!requireTool('postgres') || !requireTool('posix-signals'))(
  'the README walk-through on a copy of examples/opsctl.example.yaml: real PostgreSQL, mongo stand-ins, files',
  () => {
    let pg: PostgresServer;
    let dir: string;
    let env: Record<string, string | undefined>;
    const cli = (...args: string[]) => runCli(['-e', 'production', ...args], { cwd: dir, env });

    beforeAll(async () => {
      await ensureBuilt();
      pg = await startPostgres();
      await pg.createDatabase('linguamate');
      await pg.psql('create table users (id int primary key, email text); insert into users select i, i || \'@x\' from generate_series(1, 250) i', 'linguamate');
      dir = makeTempDir('backup-example');
      copyFileSync(path.join(REPO_ROOT, 'examples', 'opsctl.example.yaml'), path.join(dir, 'opsctl.yaml'));
      writeFileSync(path.join(dir, '.env'), 'JWT_SECRET=example\n');
      mkdirSync(path.join(dir, 'uploads'));
      writeFileSync(path.join(dir, 'uploads', 'avatar.png'), Buffer.alloc(512, 7));
      mkdirSync(path.join(dir, 'mongo'));
      writeFileSync(path.join(dir, 'mongo', 'linguamate.json'), JSON.stringify({ lessons: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] }));
      env = cleanEnv({
        PATH: `${STAND_INS}${path.delimiter}${process.env.PATH}`,
        DATABASE_URL: pg.urlFor('linguamate'),
        MONGO_URI: 'mongodb://app:mongo-example-pw@127.0.0.1:27017/linguamate',
        MONGO_STANDIN_DATA: path.join(dir, 'mongo'),
        MONGO_STANDIN_PASSWORD: 'mongo-example-pw',
        ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/hooks/never-used',
      });
    }, 180_000);
    afterAll(async () => {
      await stopAllPostgres();
      removeTempDirs();
    });

    it('backup, list, verify --restore-test, prune --dry-run, restore --yes, all exit 0', async () => {
      const backup = await cli('backup', '--json');
      expect(backup.exitCode, backup.stderr).toBe(0);
      const set = parseJson(backup.stdout).set;
      expect(set.dir).toBe(path.join(dir, 'backups', 'production', set.id));
      expect(set.manifest.parts.map((p: { name: string; kind: string }) => `${p.name}:${p.kind}`)).toEqual(['main:postgres', 'content:mongo', 'files:files']);

      const list = await cli('backup', 'list');
      expect(list.exitCode, list.stderr).toBe(0);
      expect(list.stdout).toContain(set.id);
      expect(list.stdout).toMatch(/newest, daily 1\/7/);

      const verify = await cli('backup', 'verify', 'latest', '--restore-test');
      expect(verify.exitCode, verify.stderr).toBe(0);
      expect(verify.stdout).toMatch(/main\s+│ restore test │ ok\s+│ 1 tables, 250 rows/);

      const prune = await cli('backup', 'prune', '--dry-run');
      expect(prune.exitCode, prune.stderr).toBe(0);
      expect(prune.stdout).toMatch(/Would remove 0 sets/);

      await pg.psql('delete from users where id > 5', 'linguamate');
      writeFileSync(path.join(dir, 'mongo', 'linguamate.json'), '{}');
      writeFileSync(path.join(dir, '.env'), 'JWT_SECRET=lost\n');
      const restore = await cli('restore', set.id, '--yes');
      expect(restore.exitCode, restore.stderr).toBe(0);
      expect(await pg.psql('select count(*) from users', 'linguamate')).toBe('250');
      expect(JSON.parse(readFileSync(path.join(dir, 'mongo', 'linguamate.json'), 'utf8')).lessons).toHaveLength(3);
      expect(readFileSync(path.join(dir, '.env'), 'utf8')).toBe('JWT_SECRET=example\n');

      const history = await cli('history', '--json');
      expect(parseJson(history.stdout).entries.map((e: { type: string }) => e.type)).toEqual(['restore', 'backup']);
    }, 120_000);
  },
);

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { requireTool } from '../support/real-tools.js';
import { probeTmpfs } from '../support/real-tmpfs.js';

const ready = requireTool('postgres') && requireTool('tmpfs', probeTmpfs);

describe.skipIf(!ready)('backup onto a full disk (a 1 MiB tmpfs as backup.dir) against a throwaway PostgreSQL cluster', () => {
  let pg: PostgresServer;
  let dir: string;
  let mountPoint: string;

  beforeAll(async () => {
    await ensureBuilt();
    pg = await startPostgres();
    await pg.createDatabase('big');
    // md5 text compresses about 2:1: some 3 MB of dump, three times what the disk holds.
    await pg.psql('create table t as select i, md5(i::text) || md5((i * 7)::text) as v from generate_series(1, 100000) i', 'big');
    dir = makeTempDir('backup-full');
    mountPoint = path.join(dir, 'backups');
    mkdirSync(mountPoint);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { encoding: 'utf8' });
    if (mounted.status !== 0) throw new Error(`mount failed: ${mounted.stderr}`);
    writeFileSync(path.join(dir, 'app.js'), '');
    writeConfig(dir, {
      version: 1,
      app: 'big',
      environments: {
        production: {
          target: { pm2: { name: 'big', script: 'app.js' } },
          databases: { main: { type: 'postgres', url: '${DB_URL}' } },
          backup: { dir: 'backups', databases: ['main'] },
        },
      },
    });
  }, 180_000);

  afterAll(async () => {
    if (mountPoint) spawnSync('umount', [mountPoint]);
    await stopAllPostgres();
    removeTempDirs();
  });

  it('fails with exit 1 and "No space left", keeps no set, and gives the space back', async () => {
    const run = await runCli(['backup', '-e', 'production'], { cwd: dir, env: cleanEnv({ DB_URL: pg.urlFor('big') }) });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`No space left in ${mountPoint}: the backup set was not kept.`);
    expect(run.stderr).toMatch(/Free space there or prune old sets/);
    expect(run.stderr).not.toContain(pg.password);
    expect(readdirSync(mountPoint)).toEqual([]);
    const df = spawnSync('df', ['-k', mountPoint], { encoding: 'utf8' }).stdout.trim().split('\n').at(-1)!.split(/\s+/);
    expect(Number(df[2])).toBeLessThan(64);
  }, 60_000);
});

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, isAlive, makeTempDir, parseJson, removeTempDirs, runCli, startCli, waitFor, whichTool, writeConfig } from '../support/real-cli.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { requireTool } from '../support/real-tools.js';

const hasPostgres = requireTool('postgres') && requireTool('posix-signals');

/** A pg_restore in front of the real one: `--list` passes through; a restore writes its pid and waits to be killed. */
const WRAPPER = `#!/usr/bin/env node
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const args = process.argv.slice(2);
if (args[0] === '--list') process.exit(spawnSync(process.env.PGRESTORE_WRAP_REAL, args, { stdio: 'inherit' }).status ?? 1);
fs.writeFileSync(process.env.PGRESTORE_WRAP_PID, String(process.pid));
setInterval(() => undefined, 1000);
`;

describe.skipIf(!hasPostgres)('verify --restore-test killed with SIGKILL mid-restore: the next run drops its scratch database (real PostgreSQL)', () => {
  let pg: PostgresServer;
  let dir: string;
  let wrapDir: string;

  beforeAll(async () => {
    await ensureBuilt();
    pg = await startPostgres();
    await pg.createDatabase('shop');
    await pg.psql('create table items (id serial primary key, name text not null); insert into items (name) select md5(i::text) from generate_series(1, 1000) i;', 'shop');
    wrapDir = makeTempDir('pgrestore-wrap');
    writeFileSync(path.join(wrapDir, 'pg_restore'), WRAPPER, { mode: 0o755 });
    dir = makeTempDir('restore-test-leftovers');
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: { production: { target: { pm2: { name: 'shop', script: 'app.js' } }, databases: { main: { type: 'postgres', url: '${DB_URL}' } }, backup: { databases: ['main'] } } },
    });
  }, 180_000);
  afterAll(async () => {
    await stopAllPostgres();
    removeTempDirs();
  });

  const scratchNames = async () => (await pg.psql("select datname from pg_database where datname like 'opsctl\\_verify\\_%' order by 1")).split('\n').filter(Boolean);

  it('kill -9 leaves the scratch database; the next restore test removes it, says so, and leaves a live run\'s and an unlabelled one alone', async () => {
    const env = cleanEnv({ DB_URL: pg.urlFor('shop') });
    const backup = await runCli(['backup', '-e', 'production', '--json'], { cwd: dir, env });
    expect(backup.exitCode, backup.stderr).toBe(0);
    const id: string = parseJson(backup.stdout).set.id;

    const pidFile = path.join(wrapDir, 'pg_restore.pid');
    const wrapped = { ...env, PATH: `${wrapDir}${path.delimiter}${env.PATH}`, PGRESTORE_WRAP_REAL: whichTool('pg_restore')!, PGRESTORE_WRAP_PID: pidFile };
    const child = startCli(['backup', 'verify', id, '-e', 'production', '--restore-test'], { cwd: dir, env: wrapped });
    await waitFor('pg_restore into the scratch database', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 30_000, 50);
    const [stranded] = await scratchNames();
    expect(stranded).toMatch(new RegExp(`^opsctl_verify_${id.toLowerCase()}_p${child.pid}_h[0-9a-f]{8}_[a-z0-9]+$`));
    process.kill(child.pid!, 'SIGKILL');
    await child;
    const restorePid = Number(readFileSync(pidFile, 'utf8'));
    process.kill(restorePid, 'SIGKILL');
    await waitFor('the orphaned pg_restore to end', () => !isAlive(restorePid), 10_000, 50);
    expect(await scratchNames()).toEqual([stranded]);

    // A restore test running now (this test's pid, this host) and one named before names carried their creator.
    const live = `opsctl_verify_live_p${process.pid}_h${createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8)}_x1`;
    await pg.createDatabase(live);
    await pg.createDatabase('opsctl_verify_20261123t020000z_old1');

    const verify = await runCli(['backup', 'verify', id, '-e', 'production', '--restore-test', '--json'], { cwd: dir, env });
    expect(verify.exitCode, verify.stderr).toBe(0);
    expect(verify.stderr).toContain(`removed scratch database ${stranded}: left by a restore test that did not finish`);
    expect(parseJson(verify.stdout).verification.restoreTests).toEqual([expect.objectContaining({ name: 'main', ok: true, tables: 1, rows: 1000 })]);
    expect(await scratchNames()).toEqual([live, 'opsctl_verify_20261123t020000z_old1'].sort());
  }, 120_000);
});

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, isAlive, makeTempDir, parseJson, removeTempDirs, runCli, startCli, waitFor, whichTool, writeConfig } from '../support/real-cli.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { requireTool } from '../support/real-tools.js';

const hasPostgres = requireTool('postgres') && requireTool('posix-signals');

/**
 * A pg_dump in front of the real one (first on PATH), steered by PGDUMP_WRAP_MODE: `spy` logs its argv
 * and whether PGPASSWORD came by environment; `kill` is killed by SIGKILL after the first bytes of the
 * dump; `slow` passes the dump on in small steps (a run that takes seconds); `old` claims to be 9.6.
 */
const WRAPPER = `#!/usr/bin/env node
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const mode = process.env.PGDUMP_WRAP_MODE || 'spy';
const args = process.argv.slice(2);
if (process.env.PGDUMP_WRAP_LOG) fs.appendFileSync(process.env.PGDUMP_WRAP_LOG, JSON.stringify({ args, password: process.env.PGPASSWORD ? 'env' : 'none' }) + '\\n');
if (mode === 'old' && args[0] === '--version') { process.stdout.write('pg_dump (PostgreSQL) 9.6.24\\n'); process.exit(0); }
const child = spawn(process.env.PGDUMP_WRAP_REAL, args, { stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.on('error', () => { child.kill('SIGKILL'); process.exit(1); });
let seen = 0;
child.stdout.on('data', (chunk) => {
  seen += chunk.length;
  if (mode === 'kill' && args[0] !== '--version' && seen > 4096) { process.stdout.write(chunk.subarray(0, 4096)); child.kill('SIGKILL'); process.kill(process.pid, 'SIGKILL'); }
  process.stdout.write(chunk);
  if (mode === 'slow' && args[0] !== '--version') { child.stdout.pause(); setTimeout(() => child.stdout.resume(), 150); }
});
child.on('exit', (code, signal) => { process.exitCode = code ?? 1; });
`;

describe.skipIf(!hasPostgres)('backup against a throwaway PostgreSQL cluster with password auth', () => {
  let pg: PostgresServer;
  let dir: string;
  let wrapDir: string;
  let log: string;

  beforeAll(async () => {
    await ensureBuilt();
    pg = await startPostgres();
    await pg.createDatabase('shop');
    await pg.psql(
      `create table items (id serial primary key, name text not null);
       insert into items (name) select md5(i::text) from generate_series(1, 60000) i;
       create table orders (id int primary key, item int references items(id));
       insert into orders select i, i from generate_series(1, 500) i;`,
      'shop',
    );
    wrapDir = makeTempDir('pgdump-wrap');
    writeFileSync(path.join(wrapDir, 'pg_dump'), WRAPPER, { mode: 0o755 });
  }, 180_000);
  afterAll(async () => {
    await stopAllPostgres();
    removeTempDirs();
  });

  /** A fresh app folder whose production backs up the shop database and two files; the password only in DB_URL. */
  function app(extra: Record<string, unknown> = {}) {
    dir = makeTempDir('backup-pg');
    log = path.join(dir, 'pg_dump.log');
    writeFileSync(path.join(dir, '.env.app'), 'SECRET_TOKEN=abc\n');
    mkdirSync(path.join(dir, 'uploads'));
    writeFileSync(path.join(dir, 'uploads', 'avatar.png'), Buffer.alloc(2048, 1));
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: {
        production: {
          target: { pm2: { name: 'shop', script: 'app.js' } },
          databases: { main: { type: 'postgres', url: '${DB_URL}' } },
          backup: { dir: 'backups', databases: ['main'], files: ['.env.app', 'uploads/'], ...extra },
        },
      },
    });
    return dir;
  }

  function env(mode = 'spy', url = pg.urlFor('shop')) {
    return cleanEnv({ PATH: `${wrapDir}${path.delimiter}${process.env.PATH}`, DB_URL: url, PGDUMP_WRAP_MODE: mode, PGDUMP_WRAP_LOG: log, PGDUMP_WRAP_REAL: whichTool('pg_dump')! });
  }

  const backups = () => (existsSync(path.join(dir, 'backups')) ? readdirSync(path.join(dir, 'backups')) : []);
  const complete = () => backups().filter((name) => existsSync(path.join(dir, 'backups', name, 'manifest.json')));
  const history = () => readFileSync(path.join(dir, '.opsctl', 'history.jsonl'), 'utf8');

  it('backs up, verifies with a restore test into a scratch database, and never shows the password', async () => {
    app();
    const run = await runCli(['backup', '-e', 'production', '--json'], { cwd: dir, env: env() });
    expect(run.exitCode, run.stderr).toBe(0);
    const data = parseJson(run.stdout);
    expect(data.set.manifest.parts.map((p: { name: string }) => p.name)).toEqual(['main', 'files']);
    const main = data.set.manifest.parts[0];
    expect(main).toMatchObject({ kind: 'postgres', file: 'main.pgdump', entries: 2, tool: expect.stringMatching(/^pg_dump 1\d/) });
    expect(main.serverVersion).toBe(pg.serverVersion);
    expect(complete()).toEqual([data.set.id]);
    expect(backups()).toEqual([data.set.id]);

    const verify = await runCli(['backup', 'verify', data.set.id, '-e', 'production', '--restore-test', '--json'], { cwd: dir, env: env() });
    expect(verify.exitCode, verify.stderr).toBe(0);
    const v = parseJson(verify.stdout).verification;
    expect(v.restoreTests).toEqual([expect.objectContaining({ name: 'main', ok: true, tables: 2, rows: 60500 })]);
    expect(await pg.psql("select count(*) from pg_database where datname like 'opsctl_verify_%'")).toBe('0');

    const manifest = readFileSync(path.join(dir, 'backups', data.set.id, 'manifest.json'), 'utf8');
    const argvs = readFileSync(log, 'utf8');
    expect(JSON.parse(argvs.trim().split('\n').at(-1)!)).toMatchObject({ args: ['-Fc', '-w', '-d', pg.urlFor('shop', { password: false })], password: 'env' });
    for (const text of [run.stdout, run.stderr, verify.stdout, verify.stderr, manifest, argvs, history()]) expect(text).not.toContain(pg.password);
    expect(history()).toMatch(/"type":"backup".*"result":"success"/);
  });

  it('a wrong password fails before anything is written, naming the database, exit 1', async () => {
    app();
    const run = await runCli(['backup', '-e', 'production'], { cwd: dir, env: env('spy', pg.urlFor('shop', { password: 'wrong-password-123' })) });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/Cannot log in to database main \(postgresql:\/\/postgres@127\.0\.0\.1:\d+\/shop\): .*password authentication failed/);
    expect(run.stderr).not.toContain('wrong-password-123');
    expect(complete()).toEqual([]);
    expect(backups().filter((n) => n.startsWith('.partial'))).toEqual([]);
    expect(history()).toMatch(/"type":"backup".*"result":"failed"/);
  });

  it('pg_dump killed mid-way: exit 1 naming the signal, no set left at all', async () => {
    app();
    const run = await runCli(['backup', '-e', 'production'], { cwd: dir, env: env('kill') });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/pg_dump -Fc .* was killed by SIGKILL/);
    expect(backups()).toEqual([]);
  });

  it('a pg_dump older than the server is refused with both versions named', async () => {
    app();
    const run = await runCli(['backup', '-e', 'production'], { cwd: dir, env: env('old') });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`pg_dump 9.6.24 is older than the main server (PostgreSQL ${pg.serverVersion})`);
    expect(run.stderr).toMatch(/Install the PostgreSQL 1\d client tools/);
    expect(backups()).toEqual([]);
  });

  it('opsctl killed with SIGKILL mid-way leaves nothing complete-looking; the next run cleans up and succeeds', async () => {
    app();
    const child = startCli(['backup', '-e', 'production'], { cwd: dir, env: env('slow') });
    await waitFor('a partial set with dump bytes', () => {
      const partial = backups().find((n) => n.startsWith('.partial-production~'));
      const file = partial && path.join(dir, 'backups', partial, 'main.pgdump');
      return file && existsSync(file) && readFileSync(file).length > 0;
    }, 30_000, 50);
    child.kill('SIGKILL');
    await child;
    expect(complete()).toEqual([]);
    const list = await runCli(['backup', 'list', '-e', 'production', '--json'], { cwd: dir, env: env() });
    expect(parseJson(list.stdout).sets).toEqual([]);
    expect(parseJson(list.stdout).incomplete[0].name).toMatch(/^\.partial-production~/);

    const next = await runCli(['backup', '-e', 'production', '--json'], { cwd: dir, env: env() });
    expect(next.exitCode, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/removed \.partial-production~\S+ .*left by a backup that did not finish/);
    expect(backups()).toEqual([parseJson(next.stdout).set.id]);
    // The dead run's pg_dump wrapper ends on its broken pipe.
    for (const line of readFileSync(log, 'utf8').trim().split('\n')) expect(line).not.toContain(pg.password);
  }, 60_000);

  it('two backups at once: one runs, the other exits 4 naming the holder', async () => {
    app();
    const first = startCli(['backup', '-e', 'production'], { cwd: dir, env: env('slow') });
    await waitFor('the first run to hold the lock', () => existsSync(path.join(dir, '.opsctl', 'locks', 'production.lock')), 30_000, 50);
    const second = await runCli(['backup', '-e', 'production'], { cwd: dir, env: env() });
    expect(second.exitCode).toBe(4);
    expect(second.stderr).toMatch(/production is locked by "opsctl backup"/);
    const done = await first;
    expect(done.exitCode, String(done.stderr)).toBe(0);
    expect(complete()).toHaveLength(1);
    expect(isAlive(first.pid!)).toBe(false);
  }, 60_000);
});

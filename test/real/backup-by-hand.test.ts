import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePostgresBackupConfig } from '../support/files-app.js';
import { cleanEnv, ensureBuilt, makeTempDir, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { probeCommand, requireTool } from '../support/real-tools.js';

// A set must explain itself to someone restoring during an incident with the standard tools only: its
// SHA256SUMS passes `sha256sum -c`, and the commands its README.txt gives, run as written (the URL and
// folder put in), bring back the database and the files, checked by reading them, not by opsctl.
const ready = requireTool('postgres') && requireTool('sha256sum', () => probeCommand('sha256sum', ['--version']).problem);

/** `a "b c" d` -> [a, b c, d]: the README's commands quote only the placeholders. */
const words = (line: string) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);

/** The `$ ` commands under the part's heading, up to the next part. */
function byHandCommands(readme: string, file: string): string[] {
  const from = readme.indexOf(`  ${file}  (`);
  expect(from, `README.txt describes ${file}`).toBeGreaterThanOrEqual(0);
  const rest = readme.slice(from + file.length + 4);
  const block = rest.slice(0, rest.search(/\n  \S|\nWith opsctl/));
  return block.split('\n').filter((l) => l.trim().startsWith('$ ')).map((l) => l.trim().slice(2));
}

describe.skipIf(!ready)('a backup set restored by hand from its own README.txt (real PostgreSQL, pg_restore, tar, sha256sum)', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    await ensureBuilt();
    pg = await startPostgres();
    await pg.createDatabase('shop');
    await pg.psql(`create table users (id serial primary key, email text not null); insert into users (email) select 'u' || i || '@example.com' from generate_series(1, 2500) i;`, 'shop');
  }, 180_000);
  afterAll(async () => {
    await stopAllPostgres();
    removeTempDirs();
  });

  it('passes sha256sum -c, and its commands restore the database and the files', async () => {
    const dir = makeTempDir('by-hand');
    writeFileSync(path.join(dir, '.env.app'), 'SECRET_TOKEN=abc\n');
    mkdirSync(path.join(dir, 'uploads'));
    writeFileSync(path.join(dir, 'uploads', 'a.bin'), Buffer.alloc(3000, 7));
    writePostgresBackupConfig(dir, { files: ['.env.app', 'uploads/'] });
    const backup = await runCli(['backup', '-e', 'production'], { cwd: dir, env: cleanEnv({ DB_URL: pg.urlFor('shop') }) });
    expect(backup.exitCode, backup.stderr).toBe(0);
    const [id] = readdirSync(path.join(dir, 'backups')).filter((n) => !n.startsWith('.'));
    const set = path.join(dir, 'backups', id!);

    const sums = await execa('sha256sum', ['-c', 'SHA256SUMS'], { cwd: set, reject: false });
    expect(sums.exitCode, sums.stderr).toBe(0);
    expect(sums.stdout).toContain('main.pgdump: OK');
    expect(sums.stdout).toContain('files.tar.gz: OK');

    const readme = readFileSync(path.join(set, 'README.txt'), 'utf8');
    expect(readme).toContain('PostgreSQL custom format');
    expect(readme).not.toContain(pg.password);

    await pg.createDatabase('byhand');
    for (const line of byHandCommands(readme, 'main.pgdump')) {
      const [tool, ...args] = words(line.replaceAll('<database URL>', pg.urlFor('byhand')));
      const ran = await execa(tool!, args, { cwd: set, reject: false, env: { PATH: process.env.PATH } });
      expect(ran.exitCode, `${line}\n${ran.stderr}`).toBe(0);
    }
    expect(await pg.psql('select count(*) from users', 'byhand')).toBe('2500');

    const elsewhere = makeTempDir('by-hand-files');
    const [tar] = byHandCommands(readme, 'files.tar.gz');
    const [tool, ...args] = words(tar!.replace(`"${dir}"`, `"${elsewhere}"`));
    const untar = await execa(tool!, args, { cwd: set, reject: false });
    expect(untar.exitCode, untar.stderr).toBe(0);
    expect(readFileSync(path.join(elsewhere, '.env.app'), 'utf8')).toBe('SECRET_TOKEN=abc\n');
    expect(readFileSync(path.join(elsewhere, 'uploads', 'a.bin'))).toEqual(Buffer.alloc(3000, 7));
    expect(existsSync(path.join(set, 'manifest.json'))).toBe(true);
  }, 120_000);

  it('sha256sum -c names a part that changed after the backup', async () => {
    const dir = makeTempDir('by-hand-bad');
    writeFileSync(path.join(dir, 'settings.env'), 'MODE=1\n');
    writeConfig(dir, { version: 1, app: 'shop', environments: { production: { target: { pm2: { name: 'shop', script: 'app.js' } }, backup: { dir: 'backups', files: ['settings.env'] } } } });
    const backup = await runCli(['backup', '-e', 'production'], { cwd: dir, env: cleanEnv() });
    expect(backup.exitCode, backup.stderr).toBe(0);
    const [id] = readdirSync(path.join(dir, 'backups')).filter((n) => !n.startsWith('.'));
    const set = path.join(dir, 'backups', id!);
    const file = path.join(set, 'files.tar.gz');
    const bytes = readFileSync(file);
    const at = bytes.length - 20;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    writeFileSync(file, bytes);
    const sums = await execa('sha256sum', ['-c', 'SHA256SUMS'], { cwd: set, reject: false });
    expect(sums.exitCode).toBe(1);
    expect(sums.stdout).toContain('files.tar.gz: FAILED');
  }, 60_000);
});

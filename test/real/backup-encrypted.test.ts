import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePostgresBackupConfig } from '../support/files-app.js';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, startCli } from '../support/real-cli.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { probeCommand, requireTool } from '../support/real-tools.js';

// backup.encrypt with Debian's age, against a real PostgreSQL cluster: every part is encrypted on its way
// to disk (no plaintext in the set folder or the temp folder at any moment of the run), Debian's `age -d`
// decrypts what opsctl wrote, and restore needs the right identity: a missing or wrong one restores nothing.
const ready = requireTool('postgres') && requireTool('age', () => probeCommand('age', ['--version']).problem);

const MARKER = 'plaintext-marker-7f3a';

describe.skipIf(!ready)('encrypted backup sets (real age, real PostgreSQL)', () => {
  let pg: PostgresServer;
  let dir: string;
  let tmp: string;
  let key: string;
  let otherKey: string;
  let recipient: string;

  const env = (extra: Record<string, string> = {}) => cleanEnv({ DB_URL: pg.urlFor('shop'), TMPDIR: tmp, PM2_HOME: path.join(dir, 'no-pm2'), ...extra });
  const cli = (args: string[], extra: Record<string, string> = {}) => runCli([...args, '-e', 'production'], { cwd: dir, env: env(extra) });
  const sets = () => readdirSync(path.join(dir, 'backups')).filter((n) => !n.startsWith('.')).sort();
  const rows = () => pg.psql('select count(*) from users', 'shop');

  beforeAll(async () => {
    await ensureBuilt();
    pg = await startPostgres();
    await pg.createDatabase('shop');
    await pg.psql(`create table users (id serial primary key, note text not null); insert into users (note) select '${MARKER}-' || i from generate_series(1, 40000) i;`, 'shop');
    dir = makeTempDir('backup-age');
    tmp = makeTempDir('backup-age-tmp');
    key = path.join(makeTempDir('age-key'), 'key.txt');
    otherKey = path.join(makeTempDir('age-other'), 'key.txt');
    await execa('age-keygen', ['-o', key]);
    await execa('age-keygen', ['-o', otherKey]);
    recipient = (await execa('age-keygen', ['-y', key])).stdout.trim();
    writeFileSync(path.join(dir, '.env'), `API_TOKEN=${MARKER}\n`);
    writePostgresBackupConfig(dir, { files: ['.env'], encrypt: { recipients: [recipient] } });
  }, 180_000);
  afterAll(async () => {
    await stopAllPostgres();
    removeTempDirs();
  });

  it('writes only ciphertext, at every moment of the run, and Debian age decrypts it to the recorded plaintext', async () => {
    const run = startCli(['backup', '-e', 'production', '--json'], { cwd: dir, env: env() });
    const seen = new Set<string>();
    let finished = false;
    void run.finally(() => (finished = true));
    // Every file that appears while the backup runs, in the set folders and the temp folder.
    while (!finished) {
      for (const folder of [path.join(dir, 'backups'), tmp]) {
        if (!existsSync(folder)) continue;
        for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) if (entry.isFile()) seen.add(entry.name);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const done = await run;
    expect(done.exitCode, String(done.stderr)).toBe(0);
    expect([...seen].filter((name) => !/\.age$|^README\.txt$|^SHA256SUMS$|^manifest\.json$/.test(name))).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);

    const [id] = sets();
    const set = path.join(dir, 'backups', id!);
    expect(readdirSync(set).sort()).toEqual(['README.txt', 'SHA256SUMS', 'files.tar.gz.age', 'main.pgdump.age', 'manifest.json']);
    for (const name of readdirSync(set)) expect(readFileSync(path.join(set, name)).includes(MARKER), name).toBe(false);

    const manifest = JSON.parse(readFileSync(path.join(set, 'manifest.json'), 'utf8'));
    const main = manifest.parts.find((p: { name: string }) => p.name === 'main');
    expect(main.encryption).toEqual({ tool: 'age', recipients: [recipient] });
    const plain = path.join(makeTempDir('age-plain'), 'main.pgdump');
    await execa('age', ['--decrypt', '-i', key, '-o', plain, path.join(set, 'main.pgdump.age')]);
    const sha = (await execa('sha256sum', [plain])).stdout.split(' ')[0];
    expect(sha).toBe(main.plain.sha256);
    const listed = await execa('pg_restore', ['--list', plain]);
    expect(listed.stdout).toContain('TABLE public users');
    expect((await execa('sha256sum', ['-c', 'SHA256SUMS'], { cwd: set })).exitCode).toBe(0);
    expect(parseJson(String(done.stdout)).set.manifest.parts).toHaveLength(2);
  }, 120_000);

  it('verifies without the key by the sha256 of what is stored, and decrypts with it', async () => {
    const plainVerify = await cli(['backup', 'verify', 'latest', '--json']);
    expect(plainVerify.exitCode, plainVerify.stderr).toBe(0);
    expect(JSON.stringify(parseJson(plainVerify.stdout))).toContain('content not checked without --identity');
    const noKeyTest = await cli(['backup', 'verify', 'latest', '--restore-test']);
    expect(noKeyTest.exitCode).toBe(1);
    expect(noKeyTest.stderr).toMatch(/Parts main, files are encrypted with age and no identity was given/);
    const keyed = await cli(['backup', 'verify', 'latest', '--restore-test', '--identity', key, '--json']);
    expect(keyed.exitCode, keyed.stderr + keyed.stdout).toBe(0);
    const verification = parseJson(keyed.stdout).verification;
    expect(verification.restoreTests[0]).toMatchObject({ name: 'main', ok: true, tables: 1 });
  }, 120_000);

  it('restores nothing without the identity or with the wrong one, and everything with the right one', async () => {
    await pg.psql('delete from users where id > 100', 'shop');
    writeFileSync(path.join(dir, '.env'), 'API_TOKEN=changed\n');
    const before = sets();

    const missing = await cli(['restore', before[0]!, '--yes']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('no identity was given: nothing was restored');
    const wrong = await cli(['restore', before[0]!, '--yes', '--identity', otherKey]);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toMatch(/Part main is not encrypted to the identity in .*: nothing was restored/);
    expect(await rows()).toBe('100');
    expect(readFileSync(path.join(dir, '.env'), 'utf8')).toBe('API_TOKEN=changed\n');
    expect(sets()).toEqual(before);

    const right = await cli(['restore', before[0]!, '--yes'], { OPSCTL_AGE_IDENTITY: key });
    expect(right.exitCode, right.stderr).toBe(0);
    expect(await rows()).toBe('40000');
    expect(readFileSync(path.join(dir, '.env'), 'utf8')).toBe(`API_TOKEN=${MARKER}\n`);
    // The safety set taken before the restore is encrypted too.
    const safety = sets().filter((n) => !before.includes(n));
    expect(safety).toHaveLength(1);
    expect(readdirSync(path.join(dir, 'backups', safety[0]!))).toContain('main.pgdump.age');
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);

  it("restores by hand from the set's README.txt with age, pg_restore and tar only", async () => {
    const set = path.join(dir, 'backups', sets()[0]!);
    const readme = readFileSync(path.join(set, 'README.txt'), 'utf8');
    const start = readme.indexOf('  main.pgdump.age  (');
    const block = readme.slice(start, readme.indexOf('\n  files.tar.gz.age'));
    const commands = block.split('\n').filter((l) => l.trim().startsWith('$ ')).map((l) => l.trim().slice(2));
    expect(commands[0]).toMatch(/^age --decrypt/);
    await pg.createDatabase('byhand_enc');
    const work = makeTempDir('age-byhand');
    for (const name of readdirSync(set)) writeFileSync(path.join(work, name), readFileSync(path.join(set, name)));
    for (const line of commands) {
      const filled = line.replaceAll('<identity file>', key).replaceAll('<database URL>', pg.urlFor('byhand_enc'));
      const [tool, ...args] = [...filled.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      const ran = await execa(tool!, args, { cwd: work, reject: false });
      expect(ran.exitCode, `${line}\n${ran.stderr}`).toBe(0);
    }
    expect(await pg.psql('select count(*) from users', 'byhand_enc')).toBe('40000');
  }, 120_000);
});

import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, waitFor, writeConfig } from '../support/real-cli.js';

function project(backup: Record<string, unknown>) {
  const dir = makeTempDir('hostile-live');
  mkdirSync(path.join(dir, 'uploads'));
  writeFileSync(path.join(dir, 'uploads', 'a.txt'), 'a');
  writeFileSync(path.join(dir, '.env'), 'TOKEN=1\n');
  writeConfig(dir, { version: 1, app: 'live', environments: { production: { target: { pm2: { name: 'live', script: 'app.js' } }, backup } } });
  return dir;
}

const cli = (dir: string, ...args: string[]) => runCli(args, { cwd: dir, env: cleanEnv() });

async function entries(file: string): Promise<string[]> {
  const names: string[] = [];
  await tar.list({ file, onReadEntry: (e) => void names.push(e.path) });
  return names;
}

describe('backup of live folders and what it stands on (built CLI, real files)', () => {
  beforeAll(ensureBuilt, 120_000);
  afterAll(removeTempDirs);

  it('files: [.] with backup.dir inside it: every run succeeds, no set holds backups/, and the set restores', async () => {
    const dir = project({ files: ['.'] });
    const first = await cli(dir, 'backup', '--json');
    expect(first.exitCode, first.stderr).toBe(0);
    const second = await cli(dir, 'backup', '--json');
    expect(second.exitCode, second.stderr).toBe(0);
    const id: string = parseJson(second.stdout).set.id;
    const names = await entries(path.join(dir, 'backups', id, 'files.tar.gz'));
    expect(names).toContain('./uploads/a.txt');
    expect(names.filter((n) => /(^|\/)backups(\/|$)/.test(n))).toEqual([]);

    writeFileSync(path.join(dir, 'uploads', 'a.txt'), 'changed');
    const restore = await cli(dir, 'restore', id, '--yes', '--no-safety-backup');
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'uploads', 'a.txt'), 'utf8')).toBe('a');
  });

  it('refuses a backup.files path inside backup.dir with exit 2, keeping no set', async () => {
    const dir = project({ files: ['backups/old'] });
    mkdirSync(path.join(dir, 'backups', 'old'), { recursive: true });
    const run = await cli(dir, 'backup');
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('backup.files: backups/old lies inside backup.dir');
    expect(readdirSync(path.join(dir, 'backups'))).toEqual(['old']);
  });

  it('a file that keeps growing while it is packed fails the backup naming it, after packing again; no set is kept', async () => {
    const dir = project({ files: ['uploads/', '.env'] });
    const live = path.join(dir, 'uploads', 'live.log');
    // Random bytes (gzip must not shrink them 1000-fold), and a size tar cannot read in one go.
    writeFileSync(live, randomBytes(17 * 1024 * 1024 + 100));
    const size = readFileSync(live).length;
    const writer = execa(process.execPath, ['-e', 'const fs = require("node:fs"); setInterval(() => fs.appendFileSync(process.argv[1], "x"), 1);', live], { reject: false });
    try {
      await waitFor('the writer to append', () => readFileSync(live).length > size, 30_000, 20);
      const run = await cli(dir, 'backup');
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('uploads/live.log changed while it was being packed: packing the files again (try 2 of 3)');
      expect(run.stderr).toContain('uploads/live.log changed while it was being packed, 3 times in a row: the backup was not kept.');
      expect(run.stderr).not.toContain('did not encounter expected EOF');
      expect(readdirSync(path.join(dir, 'backups'))).toEqual([]);
    } finally {
      writer.kill();
      await writer;
    }
    expect(existsSync(path.join(dir, '.opsctl', 'locks', 'production.lock'))).toBe(false);
  }, 120_000);

  it('list, prune and restore skip a set whose manifest says createdAt "garbage" or names a part constructor: one warning each, never deleted', async () => {
    const dir = project({ files: ['uploads/'], retention: { daily: 1 } });
    const made = await cli(dir, 'backup', '--json');
    expect(made.exitCode, made.stderr).toBe(0);
    const good: string = parseJson(made.stdout).set.id;
    const edit = (id: string, change: (m: Record<string, any>) => void) => {
      cpSync(path.join(dir, 'backups', good), path.join(dir, 'backups', id), { recursive: true });
      const file = path.join(dir, 'backups', id, 'manifest.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      change(manifest);
      writeFileSync(file, JSON.stringify(manifest));
    };
    edit('20200101T000000Z', (m) => void (m.createdAt = 'garbage'));
    edit('20200102T000000Z', (m) => void (m.parts[0].name = 'constructor'));

    const list = await cli(dir, 'backup', 'list');
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toContain('not a complete set: 20200101T000000Z (manifest.json is not valid: createdAt "garbage" Invalid ISO datetime)');
    expect(list.stdout).toContain('not a complete set: 20200102T000000Z (manifest.json is not valid: parts.0.name "constructor" is a reserved word)');

    const prune = await cli(dir, 'backup', 'prune', '--json');
    expect(prune.exitCode, prune.stderr).toBe(0);
    expect(parseJson(prune.stdout).removed).toEqual([]);
    expect(prune.stderr.match(/skipped .*20200101T000000Z: manifest\.json is not valid/g)).toHaveLength(1);
    expect(readdirSync(path.join(dir, 'backups')).sort()).toEqual(['20200101T000000Z', '20200102T000000Z', good].sort());

    const named = await cli(dir, 'restore', '20200102T000000Z', '--yes');
    expect(named.exitCode).toBe(2);
    expect(named.stderr).toContain('20200102T000000Z is not a usable backup set: manifest.json is not valid: parts.0.name "constructor" is a reserved word');
    const latest = await cli(dir, 'restore', 'latest', '--yes', '--no-safety-backup');
    expect(latest.exitCode, latest.stderr).toBe(0);
    expect(latest.stderr.match(/skipped .*20200102T000000Z/g)).toHaveLength(1);
  });
});

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { craftTar, ESCAPE_BY_LINK_CHAIN } from '../support/crafted-tar.js';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';

/** <tmp>/app is the project (uploads/ listed in backup.files); <tmp>/victim/secret.txt must stay out of reach. */
function project(files: string[] = ['uploads/']) {
  const root = makeTempDir('hostile-links');
  const dir = path.join(root, 'app');
  mkdirSync(path.join(dir, 'uploads'), { recursive: true });
  writeFileSync(path.join(dir, 'uploads', 'keep.txt'), 'kept');
  mkdirSync(path.join(root, 'victim'));
  writeFileSync(path.join(root, 'victim', 'secret.txt'), 'secret');
  writeConfig(dir, { version: 1, app: 'hostile', environments: { production: { target: { pm2: { name: 'hostile', script: 'app.js' } }, backup: { files } } } });
  return { root, dir, secret: path.join(root, 'victim', 'secret.txt') };
}

const cli = (dir: string, ...args: string[]) => runCli(args, { cwd: dir, env: cleanEnv() });

/** Takes a real set, then swaps its files part for `archive` with a manifest that matches it: only the content is hostile. */
async function setHolding(dir: string, archive: Buffer): Promise<string> {
  const made = await cli(dir, 'backup', '--json');
  expect(made.exitCode, made.stderr).toBe(0);
  const id: string = parseJson(made.stdout).set.id;
  const setDir = path.join(dir, 'backups', id);
  writeFileSync(path.join(setDir, 'files.tar.gz'), archive);
  const manifest = JSON.parse(readFileSync(path.join(setDir, 'manifest.json'), 'utf8'));
  const sha256 = createHash('sha256').update(archive).digest('hex');
  manifest.parts = manifest.parts.map((p: { kind: string }) => (p.kind === 'files' ? { ...p, bytes: archive.length, sha256 } : p));
  manifest.bytes = archive.length;
  writeFileSync(path.join(setDir, 'manifest.json'), JSON.stringify(manifest));
  return id;
}

describe('restore of a files part: nothing escapes backup.files, through links either (built CLI, crafted tar)', () => {
  beforeAll(ensureBuilt, 120_000);
  afterAll(removeTempDirs);

  it('refuses s -> ., esc -> s/.., e2 -> esc/.., a hard link through e2 and a symlink through it: exit 1, nothing written, verify says why', async () => {
    const { dir, secret } = project();
    const id = await setHolding(dir, craftTar(ESCAPE_BY_LINK_CHAIN));
    const secretInode = statSync(secret).ino;

    const verify = await cli(dir, 'backup', 'verify', id);
    expect(verify.exitCode).toBe(1);
    expect(verify.stdout).toContain('restore would refuse it');
    expect(verify.stdout).toContain('uploads/esc');

    const restore = await cli(dir, 'restore', id, '--yes');
    expect(restore.exitCode).toBe(1);
    expect(restore.stderr).toMatch(/failed verification, nothing was restored/);
    expect(readdirSync(path.join(dir, 'uploads'))).toEqual(['keep.txt']);
    expect(statSync(secret).nlink).toBe(1);
    for (const name of readdirSync(path.join(dir, 'uploads'))) expect(statSync(path.join(dir, 'uploads', name)).ino).not.toBe(secretInode);
    expect(readFileSync(secret, 'utf8')).toBe('secret');
  });

  it('backup refuses an outward link inside backup.files, naming it (exit 1, no set); verify and restore refuse a set that holds one', async () => {
    const { root, dir } = project();
    mkdirSync(path.join(root, 'elsewhere'));
    symlinkSync(path.join(root, 'elsewhere'), path.join(dir, 'uploads', 'shared'));
    const refused = await cli(dir, 'backup');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`backup.files holds links that restore would refuse: uploads/shared: a link to ${path.join(root, 'elsewhere')}, which leads outside backup.files`);
    expect(refused.stderr).toMatch(/list the folder it leads to in backup.files itself, or remove the link/);
    expect(readdirSync(path.join(dir, 'backups'))).toEqual([]);

    // A set made by an older opsctl (or elsewhere) holding such a link: verify says what restore will refuse.
    const linkless = path.join(dir, 'uploads', 'shared');
    rmSync(linkless);
    const id = await setHolding(dir, craftTar([{ path: 'uploads/shared', type: 'SymbolicLink', linkpath: '/elsewhere' }]));
    const verify = await cli(dir, 'backup', 'verify', id, '--json');
    expect(verify.exitCode).toBe(1);
    expect(parseJson(verify.stdout).verification.parts[0].problem).toBe('restore would refuse it: uploads/shared: a link to /elsewhere, outside backup.files');
    const restore = await cli(dir, 'restore', id, '--yes');
    expect(restore.exitCode).toBe(1);
    expect(existsSync(linkless)).toBe(false);
  });

  it('backup refuses a listed path that is itself a link, naming where it leads (the set would hold only the link)', async () => {
    const { root, dir } = project(['media']);
    mkdirSync(path.join(root, 'shared-media'));
    symlinkSync(path.join(root, 'shared-media'), path.join(dir, 'media'));
    const refused = await cli(dir, 'backup');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`backup.files: media is a link to ${realpathSync(path.join(root, 'shared-media'))}: a backup would hold the link, not the files it leads to.`);
  });
});

import { randomBytes } from 'node:crypto';
import { appendFileSync, createWriteStream, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../../support/real-tools.js';
import { Digest, hashFile } from '../../../src/backup/digest.js';
import { checkPaths } from '../../../src/backup/files.js';
import { packFilesInto, PACK_TRIES, type PackRequest } from '../../../src/backup/pack.js';
import { ConfigError, OpsError } from '../../../src/errors.js';
import { caught, tempDir } from '../helpers.js';

// Links to folders and files: Wine cannot make them (gate `links`); real Windows and Linux run these.
const links = requireTool('links');

/** <tmp>/app with uploads/a.txt and the backups folder inside it, as `files: [.]` with the default backup.dir has. */
function app() {
  const dir = path.join(tempDir(), 'app');
  mkdirSync(path.join(dir, 'uploads'), { recursive: true });
  mkdirSync(path.join(dir, 'backups', '.partial-x'), { recursive: true });
  writeFileSync(path.join(dir, 'uploads', 'a.txt'), 'a');
  writeFileSync(path.join(dir, 'backups', '.partial-x', 'files.tar.gz'), 'being written');
  return { dir, archive: path.join(dir, 'backups', '.partial-x', 'files.tar.gz') };
}

async function pack(dir: string, paths: string[], archive: string, retries: string[] = []): Promise<Digest> {
  const digest = new Digest();
  const request: PackRequest = { cwd: dir, paths, backupDir: path.join(dir, 'backups'), signal: new AbortController().signal, onRetry: (m) => retries.push(m) };
  await packFilesInto(request, () => createWriteStream(archive), digest);
  return digest;
}

async function entries(archive: string): Promise<string[]> {
  const names: string[] = [];
  await tar.list({ file: archive, onReadEntry: (e) => void names.push(e.path) });
  return names;
}

describe('packFilesInto: what a backup of live folders does', () => {
  it('leaves backup.dir out when it lies inside a listed folder, and the digest matches the file written', async () => {
    const { dir, archive } = app();
    const digest = await pack(dir, ['.'], archive);
    const names = await entries(archive);
    expect(names).toContain('./uploads/a.txt');
    expect(names.filter((n) => n.includes('backups'))).toEqual([]);
    expect(await hashFile(archive)).toEqual({ sha256: digest.sha256(), bytes: digest.bytes });
  });

  it('refuses a listed path inside backup.dir with a config error', async () => {
    const { dir, archive } = app();
    const error = await caught(pack(dir, ['backups/old'], archive));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('backup.files: backups/old lies inside backup.dir');
  });

  it.skipIf(!links)('fails naming a link that leads outside backup.files (restore would refuse it); a link inside is packed', async () => {
    const { dir, archive } = app();
    symlinkSync('a.txt', path.join(dir, 'uploads', 'inside'));
    symlinkSync(path.dirname(dir), path.join(dir, 'uploads', 'shared'));
    const error = (await caught(pack(dir, ['uploads'], archive))) as OpsError;
    expect(error.message).toBe(`backup.files holds links that restore would refuse: uploads/shared: a link to ${path.dirname(dir)}, which leads outside backup.files (to ${path.dirname(dir)}).`);
    expect(error.hint).toMatch(/list the folder it leads to in backup.files itself, or remove the link/);
  });

  it.skipIf(!links)('refuses a listed path that is itself a link: the set would hold the link, not the files', async () => {
    const { dir } = app();
    symlinkSync('uploads', path.join(dir, 'media'));
    const error = (await caught(checkPaths(dir, ['media']))) as OpsError;
    expect(error.message).toBe(`backup.files: media is a link to ${path.join(dir, 'uploads')}: a backup would hold the link, not the files it leads to.`);
  });

  // A file is appended to from a timer while tar reads and compresses it (17 MB: two reads, with gzip
  // work between them): its size no longer matches the header. Random bytes, as gzip must not shrink it 1000-fold.
  function growing(dir: string): { file: string; stop: () => void } {
    const file = path.join(dir, 'uploads', 'live.log');
    writeFileSync(file, randomBytes(17 * 1024 * 1024 + 100));
    const timer = setInterval(() => appendFileSync(file, 'x'), 1);
    return { file, stop: () => clearInterval(timer) };
  }

  it('packs the files again when one changes under it, and keeps the whole, matching archive', async () => {
    const { dir, archive } = app();
    const live = growing(dir);
    const retries: string[] = [];
    try {
      const digest = new Digest();
      const request: PackRequest = { cwd: dir, paths: ['uploads'], backupDir: path.join(dir, 'backups'), signal: new AbortController().signal, onRetry: (m) => (retries.push(m), live.stop()) };
      await packFilesInto(request, () => createWriteStream(archive), digest);
      expect(await hashFile(archive)).toEqual({ sha256: digest.sha256(), bytes: digest.bytes });
    } finally {
      live.stop();
    }
    expect(retries).toEqual([`${path.join('uploads', 'live.log')} changed while it was being packed: packing the files again (try 2 of ${PACK_TRIES})`]);
    expect(await entries(archive)).toEqual(['uploads/', 'uploads/a.txt', 'uploads/live.log']);
  });

  it('fails naming the file when it keeps changing', async () => {
    const { dir, archive } = app();
    const live = growing(dir);
    const retries: string[] = [];
    const error = (await caught(pack(dir, ['uploads'], archive, retries).finally(live.stop))) as OpsError;
    expect(error.message).toBe(`${path.join('uploads', 'live.log')} changed while it was being packed, ${PACK_TRIES} times in a row: the backup was not kept.`);
    expect(retries).toHaveLength(PACK_TRIES - 1);
  });
});

import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../../support/real-tools.js';
import { archiveRefusals, extractFiles } from '../../../src/backup/files.js';
import { planRestore } from '../../../src/backup/restore.js';
import type { BackupSet } from '../../../src/backup/sets.js';
import type { SelectedEnvironment } from '../../../src/config/select.js';
import { craftTar, ESCAPE_BY_LINK_CHAIN, type CraftedEntry } from '../../support/crafted-tar.js';
import { caught, tempDir } from '../helpers.js';

// Links to folders and files: Wine cannot make them (gate `links`); real Windows and Linux run these.
const links = requireTool('links');

function craft(file: string, entries: readonly CraftedEntry[]): void {
  writeFileSync(file, craftTar(entries));
}

/** <tmp>/app is the config folder (uploads/ inside it); <tmp>/outside must stay untouched. */
function layout() {
  const root = tempDir();
  const app = path.join(root, 'app');
  mkdirSync(path.join(app, 'uploads'), { recursive: true });
  mkdirSync(path.join(root, 'outside'));
  return { root, app, archive: path.join(root, 'files.tar.gz'), outside: path.join(root, 'outside') };
}

describe('extractFiles: never writes outside backup.files', () => {
  it('refuses a symlink entry leading outside, and the file written through it; nothing is extracted', async () => {
    const { app, archive, outside } = layout();
    craft(archive, [
      { path: 'uploads/ok.txt', type: 'File', body: 'ok' },
      { path: 'uploads/evil', type: 'SymbolicLink', linkpath: '../../outside' },
      { path: 'uploads/evil/pwned.txt', type: 'File', body: 'pwned' },
    ]);
    const error = (await caught(extractFiles(archive, app, ['uploads/']))) as Error;
    expect(error.message).toContain('uploads/evil: a link to ../../outside, outside backup.files');
    expect(existsSync(path.join(outside, 'pwned.txt'))).toBe(false);
    expect(existsSync(path.join(app, 'uploads', 'evil'))).toBe(false);
    expect(existsSync(path.join(app, 'uploads', 'ok.txt'))).toBe(false);
  });

  it.skipIf(!links)('refuses to write through a folder that is a link on disk leading outside', async () => {
    const { app, archive, outside } = layout();
    symlinkSync('../../outside', path.join(app, 'uploads', 'evil'));
    craft(archive, [{ path: 'uploads/evil/pwned.txt', type: 'File', body: 'pwned' }]);
    const error = (await caught(extractFiles(archive, app, ['uploads/']))) as Error;
    expect(error.message).toMatch(/uploads[/\\]evil is a link on disk leading outside backup\.files/);
    expect(existsSync(path.join(outside, 'pwned.txt'))).toBe(false);
  });

  it('refuses hard links and ../ paths leading outside', async () => {
    const { app, archive, root } = layout();
    writeFileSync(path.join(root, 'secret'), 'secret');
    craft(archive, [
      { path: 'uploads/h', type: 'Link', linkpath: '../secret' },
      { path: 'uploads/../../escaped.txt', type: 'File', body: 'x' },
    ]);
    const error = (await caught(extractFiles(archive, app, ['uploads/']))) as Error;
    expect(error.message).toContain('uploads/h: a link to ../secret, outside backup.files');
    expect(error.message).toContain('uploads/../../escaped.txt: outside backup.files');
    expect(existsSync(path.join(root, 'escaped.txt'))).toBe(false);
    expect(existsSync(path.join(app, 'uploads', 'h'))).toBe(false);
  });

  it.skipIf(!links)('follows the links the archive itself makes: s -> ., esc -> s/.., e2 -> esc/.. lead two levels up; nothing is written', async () => {
    const { root, app, archive } = layout();
    mkdirSync(path.join(root, 'victim'));
    writeFileSync(path.join(root, 'victim', 'secret.txt'), 'secret');
    craft(archive, ESCAPE_BY_LINK_CHAIN);
    const error = (await caught(extractFiles(archive, app, ['uploads/']))) as Error;
    expect(error.message).toContain('uploads/esc: a link to s/.., which leads outside backup.files');
    expect(error.message).toContain('uploads/stolen: a hard link to uploads/e2/victim/secret.txt, but uploads/e2 is a link in the archive leading outside backup.files');
    expect(readdirSync(path.join(app, 'uploads'))).toEqual([]);
    expect(statSync(path.join(root, 'victim', 'secret.txt')).nlink).toBe(1);
  });

  it('judges a symlink in the finished tree: a later entry cannot turn an inside link outward', async () => {
    const { app, archive } = layout();
    craft(archive, [
      { path: 'uploads/p', type: 'SymbolicLink', linkpath: 'd/..' },
      { path: 'uploads/s', type: 'SymbolicLink', linkpath: '.' },
      { path: 'uploads/d', type: 'SymbolicLink', linkpath: 's' },
    ]);
    expect(await archiveRefusals(archive, app, ['uploads/'])).toEqual([expect.stringMatching(/^uploads\/p: a link to d\/\.\., which leads outside backup\.files \(to .*app\)$/)]);
  });

  it.skipIf(!links)('refuses a folder entry written through a link that an earlier entry made, even when a later entry replaces it', async () => {
    const { app, archive } = layout();
    craft(archive, [
      { path: 'uploads/s', type: 'SymbolicLink', linkpath: '.' },
      { path: 'uploads/x', type: 'SymbolicLink', linkpath: 's/..' },
      { path: 'uploads/x/pwned.txt', type: 'File', body: 'pwned' },
      { path: 'uploads/x', type: 'Directory' },
    ]);
    expect(await archiveRefusals(archive, app, ['uploads/'])).toEqual([
      `uploads/x: a link to s/.., which leads outside backup.files (to ${app})`,
      `uploads/x/pwned.txt: uploads/x is a link in the archive leading outside backup.files (to ${app})`,
    ]);
    await caught(extractFiles(archive, app, ['uploads/']));
    expect(existsSync(path.join(app, 'pwned.txt'))).toBe(false);
    expect(readdirSync(path.join(app, 'uploads'))).toEqual([]);
  });

  it('refuses a link loop', async () => {
    const { app, archive } = layout();
    craft(archive, [
      { path: 'uploads/a', type: 'SymbolicLink', linkpath: 'b' },
      { path: 'uploads/b', type: 'SymbolicLink', linkpath: 'a' },
    ]);
    expect(await archiveRefusals(archive, app, ['uploads/'])).toEqual(['uploads/a: a link to b that loops', 'uploads/b: a link to a that loops']);
  });

  it.skipIf(!links)('still extracts links that stay inside', async () => {
    const { app, archive } = layout();
    craft(archive, [
      { path: 'uploads/a.txt', type: 'File', body: 'a' },
      { path: 'uploads/b.txt', type: 'SymbolicLink', linkpath: 'a.txt' },
    ]);
    expect(await extractFiles(archive, app, ['uploads/'])).toBe(2);
    expect(lstatSync(path.join(app, 'uploads', 'b.txt')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(app, 'uploads', 'b.txt'), 'utf8')).toBe('a');
  });
});

describe('planRestore: the files part goes only where the current config says', () => {
  it('takes the allowed paths from backup.files, not from the set\'s manifest', () => {
    const dir = tempDir();
    const env = { name: 'production', app: 'shop', dir, envFile: path.join(dir, '.env'), stateDir: path.join(dir, '.opsctl'), config: { databases: {}, backup: { files: ['uploads/'] } } } as unknown as SelectedEnvironment;
    const part = { name: 'files', kind: 'files' as const, file: 'files.tar.gz', bytes: 1, sha256: 'a'.repeat(64), tool: 'tar', source: '/', paths: ['/'] };
    const set = { id: 'x', dir, manifest: { parts: [part] } } as unknown as BackupSet;
    const [target] = planRestore(env, set, undefined, undefined);
    expect(target!.into).toMatchObject({ kind: 'files', paths: ['uploads/'] });
  });
});

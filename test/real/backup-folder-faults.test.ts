// backup.dir that cannot be written: a file in its place, a read-only disk. Each is exit 1 with what
// and where and the config key to change, not a raw EEXIST or ENOENT with "report it".
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { mountTmpfs, probeTmpfs, remountReadOnly, unmount } from '../support/real-tmpfs.js';
import { requireTool } from '../support/real-tools.js';

function project(backupDir: string): string {
  const dir = makeTempDir('backup-folder');
  mkdirSync(path.join(dir, 'data'));
  writeFileSync(path.join(dir, 'data', 'a.txt'), 'a\n');
  writeConfig(dir, { version: 1, app: 'faults', environments: { prod: { target: { pm2: { name: 'faults', script: 'app.js' } }, backup: { dir: backupDir, files: ['data/'] } } } });
  return dir;
}

const backup = (dir: string) => runCli(['backup', '--json'], { cwd: dir, env: cleanEnv() });

describe('backup into a folder it cannot write (built CLI)', () => {
  beforeAll(ensureBuilt, 120_000);
  afterAll(removeTempDirs);

  it('a file where backup.dir should be: exit 1 naming the path and backup.dir', async () => {
    const dir = project('backups');
    writeFileSync(path.join(dir, 'backups'), 'not a folder\n');
    const result = await backup(dir);
    expect(result.exitCode, result.stderr).toBe(1);
    const { error } = parseJson(result.stdout);
    expect(error.message).toBe(`Could not write the backup folder (${path.join(dir, 'backups')}): a file is in the way of a folder.`);
    expect(error.hint).toContain('backup.dir');
    expect(result.stderr).not.toMatch(/report it/);
  });

  it.skipIf(!requireTool('tmpfs', probeTmpfs))('backup.dir on a read-only disk: says read-only (not the ENOENT Node reports)', async () => {
    const dir = project('ro/backups');
    const ro = path.join(dir, 'ro');
    mkdirSync(ro);
    mountTmpfs(ro, '64k');
    try {
      remountReadOnly(ro);
      const result = await backup(dir);
      expect(result.exitCode, result.stderr).toBe(1);
      const { error } = parseJson(result.stdout);
      expect(error.message).toBe(`Could not write the backup folder (${path.join(ro, 'backups')}): the filesystem is read-only.`);
      expect(error.hint).toContain('backup.dir on a writable disk');
    } finally {
      unmount(ro);
    }
  });
});

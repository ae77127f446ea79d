// A file of zeros (a preallocated database file, a sparse disk image) compresses past 1000:1, the tar
// package's default limit when reading: every backup holding one failed its own content check.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('backup of a highly compressible file (built CLI, real files)', () => {
  beforeAll(ensureBuilt, 120_000);
  afterAll(removeTempDirs);

  it('64 MB of zeros: backup, verify and restore succeed and the file comes back byte for byte', async () => {
    const dir = makeTempDir('compressible');
    mkdirSync(path.join(dir, 'data'));
    const zeros = path.join(dir, 'data', 'prealloc.db');
    writeFileSync(zeros, Buffer.alloc(64 * 1024 * 1024));
    writeFileSync(path.join(dir, 'data', 'note.txt'), 'kept\n');
    writeConfig(dir, { version: 1, app: 'zeros', environments: { prod: { target: { pm2: { name: 'zeros', script: 'app.js' } }, backup: { files: ['data/'] } } } });
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env: cleanEnv(), timeoutMs: 120_000 });
    const before = sha256(zeros);

    const backup = await cli('backup', '--json');
    expect(backup.exitCode, backup.stderr).toBe(0);
    const { set } = parseJson<{ set: { id: string; manifest: { parts: { bytes: number }[] } } }>(backup.stdout);
    // Compressed more than 1000-fold: the case the tar package's default refused.
    expect(set.manifest.parts[0]!.bytes * 1000).toBeLessThan(64 * 1024 * 1024);
    const verify = await cli('backup', 'verify', set.id);
    expect(verify.exitCode, verify.stderr).toBe(0);

    rmSync(path.join(dir, 'data'), { recursive: true });
    mkdirSync(path.join(dir, 'data'));
    const restore = await cli('restore', set.id, '--yes', '--no-safety-backup');
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(sha256(zeros)).toBe(before);
    expect(readFileSync(path.join(dir, 'data', 'note.txt'), 'utf8')).toBe('kept\n');
  }, 120_000);
});

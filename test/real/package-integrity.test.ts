import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs, REPO_ROOT } from '../support/real-cli.js';

interface NodeBinaries {
  NODE_VERSION: string;
  TARGETS: { id: string; integrity: string }[];
  verifyIntegrity(file: string, expected: string): Promise<void>;
}

// A plain .mjs build script: loaded by URL so the type checker does not look for its declarations.
const load = async () => (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'package', 'node-binaries.mjs')).href)) as NodeBinaries;

describe('npm run package: the pinned Node binaries', () => {
  afterAll(removeTempDirs);

  it('pins one exact Node version and a sha512 integrity for each executable', async () => {
    const { NODE_VERSION, TARGETS } = await load();
    expect(NODE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(TARGETS.map((t) => t.id).sort()).toEqual(['linux-arm64', 'linux-x64', 'win-x64']);
    for (const target of TARGETS) expect(target.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
  });

  it('accepts a tarball whose sha512 is the pinned one', async () => {
    const { verifyIntegrity } = await load();
    const file = path.join(makeTempDir('integrity'), 'node.tgz');
    writeFileSync(file, 'the real tarball');
    const pinned = `sha512-${createHash('sha512').update('the real tarball').digest('base64')}`;
    await expect(verifyIntegrity(file, pinned)).resolves.toBeUndefined();
    expect(existsSync(file)).toBe(true);
  });

  it('refuses and deletes a tarball whose sha512 differs from the pinned one', async () => {
    const { verifyIntegrity } = await load();
    const file = path.join(makeTempDir('integrity'), 'node.tgz');
    writeFileSync(file, 'a swapped tarball');
    const pinned = `sha512-${createHash('sha512').update('the real tarball').digest('base64')}`;
    await expect(verifyIntegrity(file, pinned)).rejects.toThrow(/the pinned dist\.integrity says/);
    expect(existsSync(file)).toBe(false);
  });
});

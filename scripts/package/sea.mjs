// One target's executable: a SEA blob made by the pinned node, injected into a copy of that target's node.
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import postject from 'postject';

const TEMPLATE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sea-config.template.json');
// Node looks for this fuse to know a blob was injected (single-executable-applications docs).
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const SEA_RESOURCE = 'NODE_SEA_BLOB';

/**
 * The blob must come from a node of the binary's exact version, so blobMaker is the pinned node for
 * this machine. Its code cache is V8 data for the maker's platform: used only when that is the target's.
 */
export async function makeBlob({ blobMaker, bundleFile, blobFile, configFile, codeCache, assets }) {
  const config = JSON.parse(readFileSync(TEMPLATE, 'utf8'));
  Object.assign(config, { main: bundleFile, output: blobFile, useCodeCache: codeCache, assets });
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  await execa(blobMaker, ['--experimental-sea-config', configFile], { stdin: 'ignore', env: { NODE_OPTIONS: '' } });
}

/** Copies the node binary to output and injects the blob (no Mach-O segment: ELF and PE only). */
export async function injectBlob({ nodeFile, blobFile, output }) {
  rmSync(output, { force: true });
  copyFileSync(nodeFile, output);
  chmodSync(output, 0o755);
  await postject.inject(output, SEA_RESOURCE, readFileSync(blobFile), { sentinelFuse: SEA_FUSE });
}

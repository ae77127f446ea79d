/** opsctl as a user installs it: the packed npm tarball, installed into an empty prefix on a clean PATH. */
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cleanEnv, makeTempDir, REPO_ROOT, whichTool } from './real-cli.js';

type Env = Record<string, string | undefined>;

/**
 * A PATH with these tools alone (each from this PATH, or the file given): a folder of links to them on
 * POSIX; on Windows their own folders, since npm.cmd and pm2.cmd find their scripts beside themselves.
 */
export function toolsOnlyPath(tools: Record<string, string | undefined>): string {
  const found = Object.entries(tools).map(([name, file]) => {
    const real = file ?? whichTool(name);
    if (!real) throw new Error(`${name} is not on PATH: the clean PATH cannot have it`);
    return [name, real] as const;
  });
  if (process.platform === 'win32') return [...new Set(found.map(([, real]) => path.dirname(real)))].join(path.delimiter);
  const dir = makeTempDir('tools');
  for (const [name, real] of found) symlinkSync(real, path.join(dir, name));
  return dir;
}

/** Where `npm install -g --prefix <prefix>` puts the command and the package, on POSIX and on Windows. */
export function installedPaths(prefix: string): { bin: string; binDir: string; root: string } {
  if (process.platform === 'win32') return { bin: path.join(prefix, 'opsctl.cmd'), binDir: prefix, root: path.join(prefix, 'node_modules', 'opsctl') };
  return { bin: path.join(prefix, 'bin', 'opsctl'), binDir: path.join(prefix, 'bin'), root: path.join(prefix, 'lib', 'node_modules', 'opsctl') };
}

/** npm with its own HOME, cache and config in `home`: nothing of this machine's npm setup leaks in. */
export function npmEnv(home: string, pathValue: string, extra: Env = {}): Env {
  const cache = path.join(home, 'npm-cache');
  mkdirSync(cache, { recursive: true });
  return cleanEnv({ PATH: pathValue, HOME: home, USERPROFILE: home, npm_config_cache: cache, npm_config_userconfig: path.join(home, '.npmrc'), npm_config_update_notifier: 'false', ...extra });
}

/**
 * `npm pack` of this checkout (bundle/ as `npm run build` left it: packing with scripts would rebuild it
 * under the feet of the other test files) into dest; returns the tarball's path and the files it holds.
 */
export async function packTarball(dest: string, env: Env): Promise<{ tarball: string; files: string[] }> {
  const result = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], { cwd: REPO_ROOT, env, extendEnv: false, stdin: 'ignore' });
  const [packed] = JSON.parse(result.stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(dest, packed!.filename), files: packed!.files.map((f) => f.path).sort() };
}

/** `npm install -g <tarball>` into prefix, offline: the package must need nothing from the registry. */
export async function installTarball(tarball: string, prefix: string, env: Env) {
  return execa('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], { env, extendEnv: false, stdin: 'ignore', reject: false, timeout: 180_000 });
}

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * pm2's version without running pm2: every pm2 CLI call, even --version, starts its daemon.
 * Reads the package.json of the pm2 found on PATH (a symlink on POSIX, a .cmd shim beside node_modules on Windows).
 */
export function readPm2Version(executable: string): string | undefined {
  const real = safeRealpath(executable);
  const candidates = [path.join(path.dirname(executable), 'node_modules', 'pm2', 'package.json')];
  for (let dir = path.dirname(real); path.dirname(dir) !== dir; dir = path.dirname(dir)) candidates.push(path.join(dir, 'package.json'));
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    try {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pm2') return pkg.version;
    } catch {
      // Not a readable package.json: keep looking upwards.
    }
  }
  return undefined;
}

function safeRealpath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

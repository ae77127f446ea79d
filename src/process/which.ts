import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** The full path of an executable on PATH, honouring PATHEXT on Windows; undefined when absent. */
export function which(file: string, env: Readonly<Record<string, string | undefined>> = process.env, platform = process.platform): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const pathext = (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean).map((e) => e.toLowerCase());
  // On Windows an extensionless file (npm's sh shim beside pm2.cmd) is not runnable: only PATHEXT names count.
  const hasExt = pathext.some((ext) => file.toLowerCase().endsWith(ext));
  const exts = platform !== 'win32' ? [''] : hasExt ? [''] : pathext;
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, file + ext);
      if (isExecutable(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

function isExecutable(file: string, platform: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

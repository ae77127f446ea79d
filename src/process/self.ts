import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The argv that starts this same opsctl again (a scheduled job, a runbook step), with absolute paths:
 * a single executable is its own file; under node it is node plus the entry script.
 */
export function selfArgv(): string[] {
  if (runsAsSingleExecutable()) return [process.execPath];
  const entry = process.argv[1];
  if (!entry) return [process.execPath];
  return [process.execPath, path.resolve(entry)];
}

/** True inside the single executable (npm run package), where process.execPath is opsctl itself. */
export function runsAsSingleExecutable(): boolean {
  try {
    // node:sea exists from Node 20.12; required lazily so older runtimes fall back to the argv check.
    const sea = createRequire(import.meta.url)('node:sea') as { isSea(): boolean };
    return sea.isSea();
  } catch {
    // A single executable repeats its own path as argv[1].
    return process.argv[1] === process.execPath;
  }
}

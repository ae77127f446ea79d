import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../helpers.js';

export interface CheckRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of the repository's check scripts (scripts/<name>) on a folder, as npm test does. */
export function runCheck(script: string, folder: string): CheckRun {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', script), folder], { cwd: repoRoot, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

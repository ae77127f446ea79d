import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { VERSION } from '../version.js';

/** Modules outside this folder whose code decides whether a config is valid (schema.ts imports them). */
export const OUTSIDE_MODULES = ['../databases/kinds'];

/**
 * Names the code that reads and validates a config, so a config cache entry written by other code
 * (another opsctl version, or a rebuild of this one) is never trusted. Run from dist/ (or src/ under
 * the tests), it hashes this folder's modules; the bundles replace this file with the same hash of src/
 * taken at build time (scripts/build/plugins.mjs), since an installed bundle has no such folder.
 */
export function codeId(): string {
  const dir = new URL('.', import.meta.url);
  const names = readdirSync(dir).filter((n) => /\.[jt]s$/.test(n)).sort();
  const outside = OUTSIDE_MODULES.flatMap((m) => ['.js', '.ts'].map((ext) => `${m}${ext}`)).filter((n) => existsSync(new URL(n, dir)));
  const hash = createHash('sha256').update(VERSION);
  for (const name of [...names, ...outside]) hash.update(name).update(readFileSync(new URL(name, dir)));
  return hash.digest('hex');
}

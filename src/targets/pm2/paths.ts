import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Pm2Target } from '../../config/schema.js';
import type { PreparedRelease } from '../../deploy/types.js';

/** The link to the running release, next to the release folders (the lead's releases.ts names it the same). */
export const CURRENT_LINK = 'current';

/** The pm2 driver's generated process file for ecosystem configs (see ecosystem.ts). */
export const PROCESS_FILE = 'pm2-process.json';

export interface AppPaths {
  /** `<releasesDir>/current`. */
  link: string;
  /** opsctl.yaml's folder of the running release, reached through the link. */
  dir: string;
  /** The folder pm2 runs the app in, through the link. */
  cwd: string;
  /** script: the entry file through the link (left as given when it is not a path, e.g. `npm`). */
  script?: string;
  /** ecosystem: the user's file through the link. */
  ecosystem?: string;
}

/**
 * pm2 keeps the script path and folder it started an app with across `pm2 reload`: every path it gets
 * goes through the `current` link, so a reload after the switch makes the new workers load the new release.
 */
export function appPaths(config: Pm2Target, releasesDir: string, release: Pick<PreparedRelease, 'root' | 'dir'>): AppPaths {
  const link = path.join(releasesDir, CURRENT_LINK);
  const dir = path.join(link, path.relative(release.root, release.dir));
  const cwd = path.resolve(dir, config.cwd ?? '.');
  const script = config.script && looksLikePath(config.script) ? path.resolve(cwd, config.script) : config.script;
  const ecosystem = config.ecosystem ? path.resolve(dir, config.ecosystem) : undefined;
  return { link, dir, cwd, ...(script ? { script } : {}), ...(ecosystem ? { ecosystem } : {}) };
}

/** `server.js`, `./bin/www`, `dist/main.js` are files; `npm` or `yarn` are commands pm2 finds on PATH. */
export function looksLikePath(script: string): boolean {
  return /[\\/]/.test(script) || /\.[cm]?[jt]sx?$/.test(script) || path.isAbsolute(script);
}

/** Where the link leads now (real path), or undefined when it does not exist or is broken. */
export function linkTarget(link: string): string | undefined {
  return safeRealpath(link);
}

export function safeRealpath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

/** `file` under `dir` (or `dir` itself), comparing paths as given. */
export function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

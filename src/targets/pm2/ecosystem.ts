/**
 * Ecosystem configs. Node realpaths a required file's __dirname, so an ecosystem file reached through the
 * `current` link still says `cwd: __dirname` = the release folder it was loaded from; and `pm2 reload
 * <ecosystem>` keeps the script path of the first start (checked with pm2 6.0.14: the workers kept
 * running release 1). So the driver evaluates the ecosystem itself, rewrites paths inside the release to
 * the same paths through the link, and starts/reloads pm2 from a generated process file holding that one
 * app. Its `env` is left out of the file and goes to pm2 through the child's environment instead.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type { Pm2Target } from '../../config/schema.js';
import { OpsError } from '../../errors.js';
import type { Effect } from '../../process/effects.js';
import type { Runner } from '../../process/runner.js';
import { isCluster } from './commands.js';
import { evaluateEcosystem } from './ecosystem-read.js';
import { isInside, safeRealpath, type AppPaths } from './paths.js';

type HostEnv = Readonly<Record<string, string | undefined>>;

export type AppEntry = Record<string, unknown> & { name?: string };

export interface EcosystemApp {
  /** The entry for the generated process file: paths through the link, no environment. */
  entry: AppEntry;
  /** The entry's `env`, for the pm2 child's environment. */
  variables: Record<string, string>;
}

/** The ecosystem's app named `name`, evaluated as pm2 would (a missing app is an OpsError naming the file). */
export async function loadEcosystemApp(runner: Runner, file: string, name: string, env: Readonly<Record<string, string>>, hostEnv: HostEnv): Promise<AppEntry> {
  const loaded: unknown = /\.ya?ml$/i.test(file) ? YAML.parse(await readFile(file, 'utf8')) : await evaluateEcosystem(runner, file, env, hostEnv);
  const apps: unknown = Array.isArray(loaded) ? loaded : (loaded as { apps?: unknown } | null)?.apps;
  const entries = (Array.isArray(apps) ? apps : [apps]).filter((a): a is AppEntry => typeof a === 'object' && a !== null);
  const entry = entries.find((a) => a.name === name) ?? (entries.length === 1 && !entries[0]!.name ? entries[0] : undefined);
  if (!entry) {
    throw new OpsError(`${file} has no app named ${name}.`, `Name the app in the ecosystem file "${name}", or set target.pm2.name to the app's name there.`);
  }
  return entry;
}

/**
 * Rewrites an entry for the link: absolute paths inside the release (as loaded, or its real path) move
 * under the link; a relative cwd resolves from the ecosystem file's folder through the link. opsctl.yaml's
 * instances win (the gate counts them).
 */
export function ecosystemApp(entry: AppEntry, paths: AppPaths, releaseRoot: string, instances: Pm2Target['instances']): EcosystemApp {
  const roots = [releaseRoot, safeRealpath(releaseRoot)].filter((r): r is string => Boolean(r));
  const relink = (value: unknown): unknown => {
    if (typeof value !== 'string' || !path.isAbsolute(value)) return value;
    const root = roots.find((r) => isInside(value, r));
    return root ? path.join(paths.link, path.relative(root, value)) : value;
  };
  const out: AppEntry = {};
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'env' || key.startsWith('env_')) continue;
    out[key] = relink(value);
  }
  const ecosystemDir = path.dirname(paths.ecosystem!);
  out.cwd = typeof out.cwd === 'string' ? path.resolve(ecosystemDir, out.cwd) : ecosystemDir;
  out.instances = instances;
  if (isCluster(instances)) out.exec_mode = 'cluster';
  return { entry: out, variables: stringValues(entry.env) };
}

/** pm2 stringifies object values of `env`; so does this. */
function stringValues(env: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof env !== 'object' || env === null) return out;
  for (const [key, value] of Object.entries(env)) out[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return out;
}

/** Written whole under a temporary name, then renamed: pm2 never reads half a file. */
export function processFileEffect(file: string, entry: AppEntry): Effect {
  return { kind: 'write', file, data: `${JSON.stringify({ apps: [entry] }, null, 2)}\n`, atomic: true };
}

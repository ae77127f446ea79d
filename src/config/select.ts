import path from 'node:path';
import { UsageError } from '../errors.js';
import type { LoadedConfig } from './load.js';
import type { EnvironmentConfig } from './schema.js';

export interface SelectedEnvironment {
  name: string;
  config: EnvironmentConfig;
  app: string;
  /** Folder of opsctl.yaml: every relative path in the config is relative to it. */
  dir: string;
  envFile: string;
  stateDir: string;
}

/** -e, else OPSCTL_ENV, else the only environment; otherwise a usage error listing the names. */
export function selectEnvironment(loaded: LoadedConfig, requested: string | undefined, fromEnv: string | undefined): SelectedEnvironment {
  const names = [...loaded.environments.keys()];
  const name = chosenEnvironmentName(loaded, requested, fromEnv);
  if (!name) {
    throw new UsageError(`Several environments are defined: ${names.join(', ')}.`, `Pick one with -e <name> or set OPSCTL_ENV.`);
  }
  const config = loaded.environments.get(name);
  if (!config) {
    throw new UsageError(`Unknown environment "${name}".`, `Use one of: ${names.join(', ')}.`);
  }
  return bindEnvironment(loaded, name, config);
}

/** The environment name when one is chosen without guessing (-e, OPSCTL_ENV, or the only one); else undefined. */
export function chosenEnvironmentName(loaded: LoadedConfig, requested: string | undefined, fromEnv: string | undefined): string | undefined {
  const names = [...loaded.environments.keys()];
  return requested ?? (fromEnv || undefined) ?? (names.length === 1 ? names[0] : undefined);
}

export function bindEnvironment(loaded: LoadedConfig, name: string, config: EnvironmentConfig): SelectedEnvironment {
  return {
    name,
    config,
    app: loaded.app,
    dir: loaded.dir,
    envFile: loaded.envFile,
    stateDir: path.resolve(loaded.dir, config.stateDir),
  };
}

export function resolveFrom(env: Pick<SelectedEnvironment, 'dir'>, p: string): string {
  return path.resolve(env.dir, p);
}

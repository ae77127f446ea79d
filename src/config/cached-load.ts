import path from 'node:path';
import { cacheKey, hydrate, readCacheEntry } from './cache.js';
import { readDotenv, registerSecrets, variablesFor } from './environment-values.js';
import type { LoadedConfig, LoadOptions } from './load.js';
import { locateConfig } from './locate.js';
import { readConfigText } from './read-text.js';
import type { EnvironmentConfig } from './schema.js';

/**
 * When the file's text is the one that validated last time, a loader giving the config as loadConfig
 * would (from the state dir's cache); else undefined. It imports neither YAML nor the schema: that is
 * its point. The loader fills in ${VAR}s from this run's environment and .env, as loadConfig does, when
 * it is called, so a command that never reads the config reads no .env either.
 */
export function cachedConfigLoader(options: LoadOptions): (() => LoadedConfig) | undefined {
  const file = locateConfig(options.cwd, options.configPath, options.processEnv.OPSCTL_CONFIG);
  const entry = readCacheEntry(file, cacheKey(readConfigText(file)));
  if (!entry) return undefined;
  return () => {
    const dir = path.dirname(file);
    const envFile = path.join(dir, '.env');
    const dotenv = readDotenv(envFile);
    const environments = new Map<string, EnvironmentConfig>(
      entry.environments.map(([name, template]) => [name, registerSecrets(hydrate(template, variablesFor(dotenv, options.processEnv, name)))]),
    );
    return { file, dir, envFile, app: entry.app, runbooks: entry.runbooks, environments };
  };
}

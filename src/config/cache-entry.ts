import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { defaultStateDir, hydrate, type CacheEntry } from './cache.js';
import { environmentSchema, TEXT_CHECKED, type EnvironmentConfig } from './schema.js';
import { isFreeText } from './schema-keys.js';

/** One environment as validated, with what it was validated from. */
export interface Validated {
  name: string;
  /** defaults merged under the environment, before ${VAR}s were filled in. */
  written: unknown;
  output: EnvironmentConfig;
  vars: Readonly<Record<string, string | undefined>>;
}

const NOT_CACHEABLE = Symbol('not cacheable');

/**
 * The entry for a config that validated, or undefined when it must be validated on every run: a ${VAR}
 * where its text could change the verdict (a duration, a name, an enum), an environment with a state
 * dir of its own (the cache lives in the default one), or output that JSON cannot carry back unchanged.
 */
export function cacheEntryOf(file: string, key: string, head: { app: string; runbooks?: string }, validated: readonly Validated[]): CacheEntry | undefined {
  const stateDir = defaultStateDir(file);
  const environments: [string, unknown][] = [];
  for (const env of validated) {
    if (path.resolve(path.dirname(file), env.output.stateDir) !== stateDir) return undefined;
    const template = templateOf(env.output, env.written, []);
    if (template === NOT_CACHEABLE) return undefined;
    // What a later run will rebuild from the entry must be what the schema returned now.
    if (!isDeepStrictEqual(hydrate(JSON.parse(JSON.stringify(template)), env.vars), env.output)) return undefined;
    environments.push([env.name, template]);
  }
  return { key, app: head.app, ...(head.runbooks === undefined ? {} : { runbooks: head.runbooks }), environments };
}

/** The output with each string that held a ${VAR} as written; the schema's defaults and literal text as they are. */
function templateOf(output: unknown, written: unknown, keys: PropertyKey[]): unknown {
  if (typeof written === 'string' && written.includes('${')) {
    return typeof output === 'string' && isFreeText(environmentSchema, keys) && !isTextChecked(keys) ? written : NOT_CACHEABLE;
  }
  const child = (key: PropertyKey) => (written !== null && typeof written === 'object' ? (written as Record<PropertyKey, unknown>)[key] : undefined);
  if (Array.isArray(output)) {
    const items = output.map((item, i) => templateOf(item, child(i), [...keys, i]));
    return items.includes(NOT_CACHEABLE) ? NOT_CACHEABLE : items;
  }
  if (output !== null && typeof output === 'object') {
    const entries = Object.entries(output).map(([key, item]) => [key, templateOf(item, child(key), [...keys, key])] as const);
    return entries.some(([, item]) => item === NOT_CACHEABLE) ? NOT_CACHEABLE : Object.fromEntries(entries);
  }
  return output;
}

function isTextChecked(keys: readonly PropertyKey[]): boolean {
  return TEXT_CHECKED.some((prefix) => prefix.every((part, i) => keys[i] === part));
}

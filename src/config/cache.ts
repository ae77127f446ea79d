import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { codeId } from './code-id.js';
import { interpolate } from './interpolate.js';
import type { EnvironmentConfig } from './schema.js';

/**
 * What the config cache keeps of a valid config: each environment as validated (defaults filled in),
 * with every ${VAR} as the file writes it, never its value. Loading from it skips YAML and the schema,
 * most of a short command's start-up (BENCHMARKS.md, "Startup").
 */
export interface CacheEntry {
  key: string;
  app: string;
  runbooks?: string;
  /** In the file's order; each environment's `databases` map is rebuilt without a prototype. */
  environments: [string, unknown][];
}

/**
 * The file's text and the code that validated it: an edit, an upgrade or a rebuild each miss. A change
 * check, not a guard against forgery (whoever can write the cache can write the config), so two 32-bit
 * FNV-1a lanes do it without loading node:crypto, about 5 ms of every command's start.
 */
export function cacheKey(text: string): string {
  const whole = `${codeId()}\0${text}`;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ whole.length;
  for (let i = 0; i < whole.length; i += 1) {
    const unit = whole.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x5bd1e995);
  }
  return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}-${whole.length}`;
}

/** The default state dir's cache folder; one file per config file name, so two configs of one folder do not evict each other. */
export function cacheFile(configFile: string): string {
  return path.join(defaultStateDir(configFile), 'cache', `config-${path.basename(configFile).replace(/[^\w.-]/g, '_')}.json`);
}

export function defaultStateDir(configFile: string): string {
  return path.join(path.dirname(configFile), '.opsctl');
}

/** The entry for this text, or undefined: none, another version of the file or of opsctl, or unreadable. */
export function readCacheEntry(configFile: string, key: string): CacheEntry | undefined {
  try {
    const entry = JSON.parse(readFileSync(cacheFile(configFile), 'utf8')) as CacheEntry;
    return entry.key === key && Array.isArray(entry.environments) ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Written only into a state dir that exists (a read-only command does not create one in the user's
 * project), readable by the owner only, and through a rename so a reader never sees half a file.
 * A cache that cannot be written is no error: the next run validates again.
 */
export function writeCacheEntry(configFile: string, entry: CacheEntry): void {
  if (!existsSync(defaultStateDir(configFile))) return;
  const file = cacheFile(configFile);
  const partial = `${file}.${process.pid}.partial`;
  let created = false;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // wx: never through a link or over a file someone else put at that name.
    const fd = openSync(partial, 'wx', 0o600);
    created = true;
    try {
      writeFileSync(fd, JSON.stringify(entry));
    } finally {
      closeSync(fd);
    }
    renameSync(partial, file);
  } catch {
    // Read-only folder, full disk, a reader holding the file on Windows: no cache this time.
    if (created) rmSync(partial, { force: true });
  }
}

/** An environment as the schema returned it: ${VAR}s filled in from `vars` as interpolate() does. */
export function hydrate(template: unknown, vars: Readonly<Record<string, string | undefined>>): EnvironmentConfig {
  const config = interpolate(template, vars) as EnvironmentConfig;
  // The schema gives `databases` no prototype (a name like "constructor" finds nothing); JSON cannot say so.
  return { ...config, databases: Object.assign(Object.create(null) as EnvironmentConfig['databases'], config.databases) };
}

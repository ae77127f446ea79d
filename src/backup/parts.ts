import path from 'node:path';
import { requireResolved } from '../config/interpolate.js';
import type { SelectedEnvironment } from '../config/select.js';
import { backupAdapter, type BackupAdapter, type Connection } from '../databases/index.js';
import type { DatabaseKind } from '../databases/kinds.js';
import { ConfigError } from '../errors.js';

/** A database part: dumped, checked and restored by its kind's adapter. */
export interface DatabasePartPlan {
  kind: DatabaseKind;
  name: string;
  file: string;
  url: string;
  conn: Connection;
  adapter: BackupAdapter;
}

/** One part of a set as planned from the config: a database, or the files. */
export type PartPlan = DatabasePartPlan | { kind: 'files'; name: string; file: string; paths: string[]; cwd: string };

export const FILES_PART = 'files';

/** The globals part of database `main` is `main.globals`: restored only when --only names it. */
const GLOBALS_SUFFIX = '.globals';
export const isGlobalsPart = (name: string) => name.endsWith(GLOBALS_SUFFIX);
const globalsDatabase = (part: string) => (isGlobalsPart(part) ? part.slice(0, -GLOBALS_SUFFIX.length) : undefined);

/** The config database a part goes back to: its own name, or for `main.globals` main's server. */
export const partDatabase = (env: SelectedEnvironment, part: string) => (env.config.databases[part] ? part : (globalsDatabase(part) ?? part));

/** The parts of the environment's `backup` section, passwords registered for masking. */
export function planParts(env: SelectedEnvironment): PartPlan[] {
  const backup = env.config.backup;
  if (!backup || (backup.databases.length === 0 && backup.files.length === 0)) {
    throw new ConfigError(`Environment ${env.name} has nothing to back up.`, 'List databases and/or files under backup: in opsctl.yaml, e.g. backup: { databases: [main], files: [.env, uploads/] }.');
  }
  const parts: PartPlan[] = backup.databases.flatMap((name) => [databasePart(env, name), ...(env.config.databases[name]?.globals ? [globalsPart(env, name)] : [])]);
  if (backup.files.length > 0) {
    if (backup.databases.includes(FILES_PART)) {
      throw new ConfigError(`backup.databases: a database named "${FILES_PART}" would clash with the files part.`, 'Rename that database under databases:.');
    }
    parts.push({ kind: 'files', name: FILES_PART, file: 'files.tar.gz', paths: backup.files, cwd: env.dir });
  }
  return parts;
}

export function databasePart(env: SelectedEnvironment, name: string, urlOverride?: string): DatabasePartPlan {
  const of = globalsDatabase(name);
  // A globals part restores into its database's server, whether or not that config backs globals up itself.
  if (of !== undefined && env.config.databases[of] && !env.config.databases[name]) return globalsPart(env, of);
  const db = env.config.databases[name];
  if (!db) throw new ConfigError(`backup.databases: "${name}" is not defined under databases.`, 'Define it under databases: with a type and url.');
  const key = `databases.${name}.url`;
  const url = urlOverride ?? requireResolved(db.url, key, env.envFile);
  return partFor(db.type, name, url, urlOverride ? '--to' : key);
}

/** The cluster globals of PostgreSQL database `name` (databases.<name>.globals): part `<name>.globals`. */
function globalsPart(env: SelectedEnvironment, name: string): DatabasePartPlan {
  const plan = databasePart(env, name);
  const globals = env.config.databases[name]!.globals;
  const adapter = plan.adapter.globals?.(typeof globals === 'object' && globals.passwords);
  if (!adapter) throw new ConfigError(`databases.${name}.globals: ${plan.kind} has no cluster globals.`, 'Remove globals from that database.');
  const part = `${name}${GLOBALS_SUFFIX}`;
  return { ...plan, name: part, file: adapter.backup.fileName(part), adapter };
}

/** A database part of kind `type`; its password is registered for masking before anything can print it. */
export function partFor(type: string, name: string, url: string, key: string): DatabasePartPlan {
  const adapter = backupAdapter(type, key);
  return { kind: adapter.kind, name, file: adapter.backup.fileName(name), url, conn: adapter.parse(url, key), adapter };
}

/** A files path as written in the config, resolved against the config folder. */
export function resolvePath(cwd: string, p: string): string {
  return path.resolve(cwd, p);
}

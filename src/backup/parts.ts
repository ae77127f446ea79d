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

/** The parts of the environment's `backup` section, passwords registered for masking. */
export function planParts(env: SelectedEnvironment): PartPlan[] {
  const backup = env.config.backup;
  if (!backup || (backup.databases.length === 0 && backup.files.length === 0)) {
    throw new ConfigError(`Environment ${env.name} has nothing to back up.`, 'List databases and/or files under backup: in opsctl.yaml, e.g. backup: { databases: [main], files: [.env, uploads/] }.');
  }
  const parts: PartPlan[] = backup.databases.map((name) => databasePart(env, name));
  if (backup.files.length > 0) {
    if (backup.databases.includes(FILES_PART)) {
      throw new ConfigError(`backup.databases: a database named "${FILES_PART}" would clash with the files part.`, 'Rename that database under databases:.');
    }
    parts.push({ kind: 'files', name: FILES_PART, file: 'files.tar.gz', paths: backup.files, cwd: env.dir });
  }
  return parts;
}

export function databasePart(env: SelectedEnvironment, name: string, urlOverride?: string): DatabasePartPlan {
  const db = env.config.databases[name];
  if (!db) throw new ConfigError(`backup.databases: "${name}" is not defined under databases.`, 'Define it under databases: with a type and url.');
  const key = `databases.${name}.url`;
  const url = urlOverride ?? requireResolved(db.url, key, env.envFile);
  return partFor(db.type, name, url, urlOverride ? '--to' : key);
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

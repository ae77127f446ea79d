import path from 'node:path';
import { requireResolved } from '../config/interpolate.js';
import type { SelectedEnvironment } from '../config/select.js';
import { parseConnectionUrl, type Connection } from '../db/connection.js';
import { ConfigError } from '../errors.js';
import { registerSecret, registerUrlSecrets } from '../process/redact.js';

/** One part of a set as planned from the config: a database, or the files. */
export type PartPlan =
  | { kind: 'postgres'; name: string; file: string; url: string; conn: Connection }
  | { kind: 'mongo'; name: string; file: string; url: string; conn: Connection }
  | { kind: 'files'; name: string; file: string; paths: string[]; cwd: string };

export const FILES_PART = 'files';

/** The parts of the environment's `backup` section, passwords registered for masking. */
export function planParts(env: SelectedEnvironment): PartPlan[] {
  const backup = env.config.backup;
  if (!backup || (backup.databases.length === 0 && backup.files.length === 0)) {
    throw new ConfigError(`Environment ${env.name} has nothing to back up.`, 'List databases and/or files under backup: in opsctl.yaml, e.g. backup: { databases: [main], files: [.env, uploads/] }.');
  }
  const parts = backup.databases.map((name) => databasePart(env, name));
  if (backup.files.length > 0) {
    if (backup.databases.includes(FILES_PART)) {
      throw new ConfigError(`backup.databases: a database named "${FILES_PART}" would clash with the files part.`, 'Rename that database under databases:.');
    }
    parts.push({ kind: 'files', name: FILES_PART, file: 'files.tar.gz', paths: backup.files, cwd: env.dir });
  }
  return parts;
}

export function databasePart(env: SelectedEnvironment, name: string, urlOverride?: string): PartPlan {
  const db = env.config.databases[name];
  if (!db) throw new ConfigError(`backup.databases: "${name}" is not defined under databases.`, 'Define it under databases: with a type and url.');
  const key = `databases.${name}.url`;
  const url = urlOverride ?? requireResolved(db.url, key, env.envFile);
  return partFor(db.type, name, url, urlOverride ? '--to' : key);
}

export function partFor(type: string, name: string, url: string, key: string): PartPlan {
  registerUrlSecrets(url);
  switch (type) {
    case 'postgres': {
      const conn = parseConnectionUrl(url, key, ['postgres:', 'postgresql:']);
      registerSecret(conn.password);
      return { kind: 'postgres', name, file: `${name}.pgdump`, url, conn };
    }
    case 'mongo': {
      const conn = parseConnectionUrl(url, key, ['mongodb:', 'mongodb+srv:']);
      registerSecret(conn.password);
      return { kind: 'mongo', name, file: `${name}.archive.gz`, url, conn };
    }
    default:
      throw new ConfigError(`${key}: ${type} databases cannot be backed up by opsctl.`, 'Back up postgres and mongo databases; leave redis out of backup.databases.');
  }
}

/** A files path as written in the config, resolved against the config folder. */
export function resolvePath(cwd: string, p: string): string {
  return path.resolve(cwd, p);
}

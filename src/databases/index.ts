import { ConfigError } from '../errors.js';
import { DATABASE_KINDS, isDatabaseKind, type DatabaseKind } from './kinds.js';
import { mongo } from './mongo.js';
import { postgres } from './postgres/index.js';
import { redis } from './redis.js';
import type { BackupSupport, DatabaseAdapter } from './types.js';

/** One line per kind: backup, restore, health-check, deploy's preflight and doctor ask here and nowhere else. */
const ADAPTERS: Record<DatabaseKind, DatabaseAdapter> = {
  postgres,
  mongo,
  redis,
};

/** The adapter of a kind; an unknown kind is a ConfigError naming the known ones. */
export function databaseAdapter(kind: string, key = 'type'): DatabaseAdapter {
  if (!isDatabaseKind(kind)) throw new ConfigError(`${key}: unknown database type "${kind}".`, `Use one of: ${DATABASE_KINDS.join(', ')}.`);
  return ADAPTERS[kind];
}

export function databaseAdapters(): DatabaseAdapter[] {
  return DATABASE_KINDS.map((kind) => ADAPTERS[kind]);
}

/** The adapter whose URL scheme `url` has (postgresql://...), if any. */
export function adapterForUrl(url: string): DatabaseAdapter | undefined {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  return scheme === undefined ? undefined : databaseAdapters().find((adapter) => adapter.protocols.includes(scheme));
}

/** A database that may be dumped, with its adapter's dump support. */
export type BackupAdapter = DatabaseAdapter & { readonly backup: BackupSupport };

/** The adapter of a kind opsctl backs up; another kind (redis) is a ConfigError naming `key`. */
export function backupAdapter(kind: string, key: string): BackupAdapter {
  const adapter = databaseAdapter(kind, key);
  if (adapter.backup) return adapter as BackupAdapter;
  const backed = databaseAdapters().filter((a) => a.backup).map((a) => a.kind);
  throw new ConfigError(`${key}: ${kind} databases cannot be backed up by opsctl.`, `Back up ${backed.join(' and ')} databases; leave ${kind} out of backup.databases.`);
}

export type { DatabaseStats, SlowQuery, StatsSupport } from './stats.js';
export type { BackupSupport, DatabaseAdapter, DatabaseProbe, DumpCheck, PreparedDump, ScratchDatabase } from './types.js';
export type { Connection } from './connection.js';

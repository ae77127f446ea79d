import { command, type Command } from '../../process/command.js';
import { parseVersion } from '../../process/tools.js';
import { postgresEnv, type Connection } from '../connection.js';
import type { DumpInput } from '../types.js';

/** The password reaches libpq by environment only; -w makes a missing one fail instead of prompting. */
export function pgEnv(conn: Connection, connectTimeoutSeconds = 10): Record<string, string> {
  return postgresEnv(conn, connectTimeoutSeconds);
}

export function pgDumpVersionCommand(): Command {
  return command('pg_dump', ['--version'], { readOnly: true });
}

/** Logs in and reads the server version: proves the password before anything is written. */
export function serverVersionCommand(conn: Connection, database = conn.database): Command {
  return psqlCommand(conn, "select current_setting('server_version_num') || ' ' || current_setting('server_version')", { readOnly: true, database });
}

export interface PsqlOptions {
  readOnly: boolean;
  database?: string | undefined;
  /** PGCONNECT_TIMEOUT in seconds; 10 unless a probe's own timeout says otherwise. */
  connectTimeout?: number;
  /** false for health-check's one-statement ping, which has always run without ON_ERROR_STOP. */
  stopOnError?: boolean;
}

/** The one psql builder: the health ping, the version check, the restore test and ANALYZE all use it. */
export function psqlCommand(conn: Connection, sql: string, options: PsqlOptions): Command {
  const stop = options.stopOnError === false ? [] : ['-v', 'ON_ERROR_STOP=1'];
  return command('psql', ['-X', '-w', '-q', '-A', '-t', ...stop, '-d', urlFor(conn, options.database), '-c', sql], {
    readOnly: options.readOnly,
    env: pgEnv(conn, options.connectTimeout),
  });
}

/** Custom format: compressed, and restorable table by table with pg_restore. */
export function pgDumpCommand(conn: Connection): Command {
  return command('pg_dump', ['-Fc', '-w', '-d', conn.safeUrl], { readOnly: false, env: pgEnv(conn) });
}

/** The dump's table of contents; --verbose adds each entry's dependencies (what --tables follows). */
export function pgRestoreListCommand(dump: DumpInput, verbose = false): Command {
  const args = ['--list', ...(verbose ? ['--verbose'] : [])];
  return command('pg_restore', typeof dump === 'string' ? [...args, dump] : args, { readOnly: true, ...(typeof dump === 'string' ? {} : { stdin: dump }) });
}

/**
 * One transaction with --exit-on-error: a restore that fails part-way rolls back and leaves the
 * database as it was, instead of half old, half new.
 */
export function pgRestoreCommand(conn: Connection, dump: DumpInput, database = conn.database, listFile?: string): Command {
  // -L: only the entries of the list (restore --tables), in the archive's order.
  const args = ['--clean', '--if-exists', '--no-owner', '--exit-on-error', '--single-transaction', ...(listFile ? ['-L', listFile] : []), '-w', '-d', urlFor(conn, database)];
  // A stream (decrypted on the fly) is read from stdin: custom format restores sequentially from a pipe.
  return command('pg_restore', typeof dump === 'string' ? [...args, dump] : args, {
    readOnly: false,
    env: pgEnv(conn),
    ...(typeof dump === 'string' ? {} : { stdin: dump }),
  });
}

/** "150018 15.18 (Debian ...)" -> major 15 and the text. Before 10 the major was two numbers: 9.6. */
export function parseServerVersion(stdout: string): { major: number; text: string } | undefined {
  const match = /^(\d+)\s+(.*)$/.exec(stdout.trim());
  if (!match) return undefined;
  const num = Number(match[1]);
  return { major: num >= 100_000 ? Math.floor(num / 10_000) : Math.floor(num / 10_000) + (Math.floor(num / 100) % 100) / 10, text: match[2]!.trim() };
}

/** "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> 15. */
export function parseToolMajor(stdout: string): { major: number; text: string } | undefined {
  const version = parseVersion(stdout);
  if (!version) return undefined;
  const [a, b] = version.split('.').map(Number);
  return { major: a! >= 10 ? a! : Number(`${a}.${b}`), text: version };
}

/** TABLE lines of `pg_restore --list`: one per table in the dump. */
export function countTables(listing: string): number {
  return listing.split(/\r?\n/).filter((line) => /^\d+;\s.*\bTABLE\s/.test(line) && !/\bTABLE DATA\b/.test(line)).length;
}

/**
 * The same server and credentials, another database (a scratch one). libpq's `?dbname=` and
 * `?service=` override the path, so they go: else a restore test would restore into the source.
 */
export function urlFor(conn: Connection, database: string | undefined): string {
  if (database === undefined || database === conn.database) return conn.safeUrl;
  const url = new URL(conn.safeUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  for (const name of [...url.searchParams.keys()]) if (['dbname', 'service'].includes(name.toLowerCase())) url.searchParams.delete(name);
  return url.toString();
}

/** Exact row counts of every user table, as "schema.table<TAB>rows" lines. */
export const COUNT_ROWS_SQL = `select table_schema || '.' || table_name || chr(9) || (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I', table_schema, table_name), false, true, '')))[1]::text
from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1`;

import type { Readable } from 'node:stream';
import type { Context } from '../context.js';
import type { Command } from '../process/command.js';
import type { Runner, StreamOptions } from '../process/runner.js';
import type { Connection } from './connection.js';
import type { DatabaseKind } from './kinds.js';
import type { StatsSupport } from './stats.js';

/** A dump to restore: its file, or its bytes as a stream (decrypted on the fly), fed to the client's stdin. */
export type DumpInput = string | Readable;

/** Opens the dump afresh for each call of `use` (a stream is read once) and closes it after. */
export type DumpReader = <T>(use: (dump: DumpInput) => Promise<T>) => Promise<T>;

/** What backup, restore, health-check, deploy's preflight and doctor need of one kind of database. */
export interface DatabaseAdapter {
  readonly kind: DatabaseKind;
  /** URL schemes it accepts ("postgres:"); the first one is shown in examples. */
  readonly protocols: readonly string[];
  /** .env keys `opsctl init` finds this kind's URL under, with the database name it gives it. */
  readonly dotenvKeys: readonly { readonly variable: string; readonly name: string }[];
  /** Client tools doctor asks for: `backup` when such a database is configured, `probe` when health-check pings it. */
  readonly tools: { readonly backup: readonly string[]; readonly probe: readonly string[] };
  /** The URL split into safe parts and its password, which is registered for masking before anything can print it. */
  parse(url: string, key: string): Connection;
  /** health-check's ping: `url` as configured (a client may need it whole in its environment). */
  probe(conn: Connection, url: string, timeoutMs: number): DatabaseProbe;
  /** Dump, check and restore; absent for a kind opsctl does not back up (redis). */
  readonly backup?: BackupSupport;
  /** The cluster-wide part beside a database's (databases.<name>.globals): roles, for a restore onto a fresh server. */
  globals?(passwords: boolean): DatabaseAdapter & { readonly backup: BackupSupport };
  /** `db stats` (every kind), and for postgres `db terminate` and `db maintain`. */
  readonly stats: StatsSupport;
}

export interface DatabaseProbe {
  command: Command;
  /** What is shown as the probe's target: the URL without its password. */
  target: string;
  /** Reads the client's output on success: the server version, or why the answer is wrong. */
  read(stdout: string, stderr: string): { ok: true; version?: string } | { ok: false; reason: string };
}

/** What a backup records of the tool that wrote a part. */
export interface PreparedDump {
  tool: string;
  serverVersion?: string;
}

/** What reading a dump back proved. */
export interface DumpCheck {
  /** Tables in a dump, entries in a tar. */
  entries?: number;
  /** What was checked, in words. */
  checked: string;
}

export interface BackupSupport {
  /** The file of a part in a set: `<name>.pgdump`. */
  fileName(name: string): string;
  /**
   * For the set's README.txt, read by someone restoring with the standard tools only: the format, and the
   * commands that restore `file`, with `<database URL>` where the target's URL goes.
   */
  readonly byHand: { readonly format: string; restore(file: string): string[] };
  /** Before a byte is written: the client's version, and where it matters the server's, which also proves the credentials. */
  prepare(ctx: Context, name: string, conn: Connection): Promise<PreparedDump>;
  /** The dump on the client's stdout into `sink`; under --dry-run only shown, with no secret file written. */
  dump(ctx: Context, conn: Connection, sink: StreamOptions): Promise<void>;
  /** A foreign or damaged dump fails here, not at restore time. */
  check(file: string, runner: Runner, signal: AbortSignal): Promise<DumpCheck>;
  /** Puts the dump back into the connection's database; `source` is the safe URL the dump was taken from. */
  restore(ctx: Context, conn: Connection, dump: DumpInput, source: string): Promise<void>;
  /**
   * restore --tables, before confirmation: reads the dump's listing and returns how to restore only those
   * tables (and what depends on them); a table the dump lacks is a UsageError. Absent for kinds without tables.
   */
  selectTables?(ctx: Context, read: DumpReader, tables: readonly string[], part: string): Promise<TableSelection>;
  /** backup verify --restore-test: a scratch database on the same server, for kinds that have one. */
  scratch?(ctx: Context, conn: Connection, label: string, key: string): ScratchDatabase;
}

/** What restore --tables puts back: `tables` as the dump names them, restored by `restore`. */
export interface TableSelection {
  readonly tables: readonly string[];
  restore(ctx: Context, conn: Connection, read: DumpReader): Promise<void>;
}

/** A database created only to restore a dump into and count what came back, then dropped. */
export interface ScratchDatabase {
  readonly name: string;
  /** What to run by hand when an interrupt left it behind. */
  readonly dropStatement: string;
  create(): Promise<void>;
  /** Refuses (throws) unless the connection really reaches the scratch database. */
  restore(dump: DumpInput): Promise<void>;
  count(): Promise<{ tables: number; rows: number }>;
  drop(): Promise<void>;
}

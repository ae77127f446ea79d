import { createHash } from 'node:crypto';
import os from 'node:os';
import type { Context } from '../../context.js';
import { OpsError } from '../../errors.js';
import { isProcessAlive } from '../../process/alive.js';
import type { Connection } from '../connection.js';
import type { ScratchDatabase } from '../types.js';
import { COUNT_ROWS_SQL, pgRestoreCommand, psqlCommand } from './commands.js';

const PREFIX = 'opsctl_verify_';
// The creator's pid and host, so a later run can tell a scratch database whose restore test was killed (kill -9).
const CREATOR = /_p(\d+)_h([0-9a-f]{8})_[a-z0-9]+$/;

/**
 * A new database on the same server as `conn` (never the source one) for `backup verify --restore-test`,
 * named after the set (`label`) and its creator. Creating it first drops what killed runs of this host left.
 */
export function openScratch(ctx: Context, conn: Connection, label: string, key: string): ScratchDatabase {
  const name = `${PREFIX}${label.toLowerCase().replace(/[^a-z0-9]/g, '_')}_p${process.pid}_h${hostTag()}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = (sql: string) => ctx.runner.run(psqlCommand(conn, sql, { readOnly: false }));
  const read = (sql: string) => ctx.runner.run(psqlCommand(conn, sql, { readOnly: true, database: name }));
  return {
    name,
    dropStatement: `drop database "${name}"`,
    create: async () => {
      await sweepLeftovers(ctx, conn);
      await admin(`create database "${name}"`);
    },
    restore: async (dump) => {
      // Whatever the URL says, pg_restore --clean must never reach the source database.
      const reached = (await read('select current_database()')).stdout.trim();
      if (reached !== name) throw new OpsError(`The restore test connected to database "${reached}", not the scratch database ${name}: nothing was restored.`, `Remove dbname= and service= from ${key}.`);
      await ctx.runner.run(pgRestoreCommand(conn, dump, name));
    },
    count: async () => {
      const lines = (await read(COUNT_ROWS_SQL)).stdout.split(/\r?\n/).filter(Boolean);
      return { tables: lines.length, rows: lines.reduce((sum, line) => sum + Number(line.split('\t')[1] ?? 0), 0) };
    },
    drop: async () => {
      await admin(`drop database if exists "${name}"`);
    },
  };
}

/** Scratch databases created on this host by a process that is gone. Another host's, or an older name without its creator, cannot be told apart from a live run's: they stay. */
export function isLeftover(name: string, host = os.hostname()): boolean {
  const creator = CREATOR.exec(name);
  return name.startsWith(PREFIX) && creator !== null && creator[2] === hostTag(host) && !isProcessAlive(Number(creator[1]));
}

async function sweepLeftovers(ctx: Context, conn: Connection): Promise<void> {
  const listed = await ctx.runner.run(psqlCommand(conn, `select datname from pg_database where datname like '${PREFIX.replace(/_/g, '\\_')}%' order by 1`, { readOnly: true }));
  for (const name of listed.stdout.split(/\r?\n/).map((l) => l.trim()).filter((l) => isLeftover(l))) {
    const dropped = await ctx.runner.run(psqlCommand(conn, `drop database if exists "${name}"`, { readOnly: false }), { allowFailure: true });
    if (dropped.exitCode === 0) ctx.log.warn(`removed scratch database ${name}: left by a restore test that did not finish`);
    else ctx.log.warn(`could not remove scratch database ${name}, left by a restore test that did not finish (${dropped.stderr.trim().split(/\r?\n/).pop() ?? `psql exit ${dropped.exitCode}`}): drop database "${name}"`);
  }
}

/** 8 hex digits of the host name: enough to tell hosts apart, short enough for PostgreSQL's 63-byte names. */
function hostTag(host = os.hostname()): string {
  return createHash('sha256').update(host).digest('hex').slice(0, 8);
}

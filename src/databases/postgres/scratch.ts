import type { Context } from '../../context.js';
import { OpsError } from '../../errors.js';
import type { Connection } from '../connection.js';
import type { ScratchDatabase } from '../types.js';
import { COUNT_ROWS_SQL, pgRestoreCommand, psqlCommand } from './commands.js';

/**
 * A new database on the same server as `conn` (never the source one) for `backup verify --restore-test`,
 * named after the set (`label`) so it is recognisable in a listing.
 */
export function openScratch(ctx: Context, conn: Connection, label: string, key: string): ScratchDatabase {
  const name = `opsctl_verify_${label.toLowerCase().replace(/[^a-z0-9]/g, '_')}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = (sql: string) => ctx.runner.run(psqlCommand(conn, sql, { readOnly: false }));
  const read = (sql: string) => ctx.runner.run(psqlCommand(conn, sql, { readOnly: true, database: name }));
  return {
    name,
    dropStatement: `drop database "${name}"`,
    create: async () => {
      await admin(`create database "${name}"`);
    },
    restore: async (file) => {
      // Whatever the URL says, pg_restore --clean must never reach the source database.
      const reached = (await read('select current_database()')).stdout.trim();
      if (reached !== name) throw new OpsError(`The restore test connected to database "${reached}", not the scratch database ${name}: nothing was restored.`, `Remove dbname= and service= from ${key}.`);
      await ctx.runner.run(pgRestoreCommand(conn, file, name));
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

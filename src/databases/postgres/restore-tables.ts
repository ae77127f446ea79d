import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Context } from '../../context.js';
import type { Connection } from '../connection.js';
import type { DumpInput, DumpReader, TableSelection } from '../types.js';
import { pgRestoreCommand, pgRestoreListCommand, psqlCommand } from './commands.js';
import { findTables, parseToc, restoreList } from './tables.js';

/**
 * restore --tables: the dump's listing says which tables it holds and what depends on them (read before
 * anything is confirmed); the restore then puts back only those entries with `pg_restore -L`, in one
 * transaction like a full restore.
 */
export async function selectTables(ctx: Context, read: DumpReader, requested: readonly string[], part: string): Promise<TableSelection> {
  const entries = parseToc(await read((dump) => listing(ctx, dump)));
  const tables = findTables(entries, requested, part);
  const list = restoreList(entries, tables);
  return {
    tables: tables.map((t) => `${t.table!.schema}.${t.table!.name}`),
    restore: async (ctx: Context, conn: Connection, readAgain: DumpReader) => {
      if (ctx.dryRun) {
        ctx.log.plan(`would restore only ${tables.length} table(s) with what depends on them (pg_restore -L, ${list.split('\n').length - 1} entries) into ${conn.safeUrl}`);
        return;
      }
      // The list holds object names only, never rows; it lives as long as the restore.
      const dir = await mkdtemp(path.join(os.tmpdir(), 'opsctl-tables-'));
      try {
        const file = path.join(dir, 'restore.list');
        await writeFile(file, list, { mode: 0o600 });
        await readAgain((dump) => ctx.runner.run(pgRestoreCommand(conn, dump, conn.database, file)));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      await ctx.runner.run(psqlCommand(conn, 'ANALYZE', { readOnly: false }));
    },
  };
}

/** pg_restore --list stops reading after the table of contents: the rest of a stream is drained, so age can finish. */
async function listing(ctx: Context, dump: DumpInput): Promise<string> {
  if (typeof dump === 'string') return (await ctx.runner.run(pgRestoreListCommand(dump, true))).stdout;
  const feed = new PassThrough();
  dump.pipe(feed);
  try {
    return (await ctx.runner.run(pgRestoreListCommand(feed, true))).stdout;
  } finally {
    dump.unpipe(feed);
    dump.resume();
  }
}

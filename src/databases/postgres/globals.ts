import { open } from 'node:fs/promises';
import type { Context } from '../../context.js';
import { OpsError } from '../../errors.js';
import { command, type Command } from '../../process/command.js';
import { redact } from '../../process/redact.js';
import type { Connection } from '../connection.js';
import type { BackupSupport, DatabaseAdapter, DumpCheck, DumpInput } from '../types.js';

type BackupAdapter = DatabaseAdapter & { readonly backup: BackupSupport };
import { pgEnv } from './commands.js';

const HEADER = '--\n-- PostgreSQL database cluster dump';

/** Roles, memberships, role settings and tablespaces of the cluster; passwords only when asked (a hash is a credential too). */
export function pgDumpallGlobalsCommand(conn: Connection, passwords: boolean): Command {
  return command('pg_dumpall', ['--globals-only', ...(passwords ? [] : ['--no-role-passwords']), '-w', '-d', conn.safeUrl], { readOnly: false, env: pgEnv(conn) });
}

/** Without ON_ERROR_STOP: "role already exists" is expected on a server that has some of them; each other error is reported. */
export function psqlScriptCommand(conn: Connection, script: DumpInput): Command {
  const args = ['-X', '-w', '-q', '-d', conn.safeUrl, '-f', typeof script === 'string' ? script : '-'];
  return command('psql', args, { readOnly: false, env: pgEnv(conn), ...(typeof script === 'string' ? {} : { stdin: script }) });
}

/** A globals script reads as pg_dumpall wrote it; its CREATE ROLE lines are its entries. */
export async function checkGlobals(file: string): Promise<DumpCheck> {
  const text = await readHead(file, 4 << 20);
  if (!text.startsWith(HEADER)) throw new OpsError(`${file} is not a pg_dumpall script.`, 'The part is damaged or foreign; take a new backup.');
  return { entries: text.split('\n').filter((line) => line.startsWith('CREATE ROLE ')).length, checked: 'pg_dumpall script header read' };
}

/** True for pg_dump's custom format ("PGDMP"), which pg_restore reads; a globals script is SQL text. */
export async function isCustomFormat(file: string): Promise<boolean> {
  return (await readHead(file, 5)) === 'PGDMP';
}

async function readHead(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Runs the script; roles the server has already are kept (and get the set's attributes), any other error fails the part. */
async function restoreGlobals(ctx: Context, conn: Connection, script: DumpInput): Promise<void> {
  const result = await ctx.runner.run(psqlScriptCommand(conn, script), { allowFailure: true });
  const errors = result.stderr.split(/\r?\n/).filter((line) => /\bERROR:/.test(line));
  const existing = errors.map((line) => /role "(.+)" already exists/.exec(line)?.[1]).filter((name) => name !== undefined);
  if (existing.length > 0) ctx.log.info(`roles already on the server, kept: ${existing.join(', ')}`);
  const others = errors.filter((line) => !/role ".+" already exists/.test(line));
  if (result.exitCode !== 0 || others.length > 0) {
    throw new OpsError(`Restoring the cluster globals into ${redact(conn.safeUrl)} failed: ${redact(others.slice(0, 5).join('; ') || `psql exit ${result.exitCode}`)}.`, 'Restore globals as a superuser of the new server; the roles that were created before the error stay.');
  }
}

/** The globals part of a PostgreSQL database: the same connection, pg_dumpall instead of pg_dump, psql instead of pg_restore. */
export function globalsAdapter(postgres: BackupAdapter, passwords: boolean): BackupAdapter {
  const backup: BackupSupport = {
    fileName: (name) => `${name}.sql`,
    byHand: {
      format: `SQL script of pg_dumpall --globals-only: roles${passwords ? ' with their password hashes' : ' without passwords'}, memberships, role settings, tablespaces`,
      restore: (file) => [`psql -X -d "<database URL>" -f ${file}   # "role ... already exists" for roles the server has is expected`],
    },
    prepare: async (ctx, name, conn) => {
      const prepared = await postgres.backup.prepare(ctx, name, conn);
      return { ...prepared, tool: prepared.tool.replace(/^pg_dump\b/, 'pg_dumpall') };
    },
    dump: async (ctx, conn, sink) => {
      await ctx.runner.stream(pgDumpallGlobalsCommand(conn, passwords), sink);
    },
    check: (file) => checkGlobals(file),
    restore: (ctx, conn, dump) => restoreGlobals(ctx, conn, dump),
  };
  return { ...postgres, backup };
}

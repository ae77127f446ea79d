import type { Context } from '../../context.js';
import { OpsError } from '../../errors.js';
import { redact } from '../../process/redact.js';
import type { Connection } from '../connection.js';
import { connectSeconds, parseWithSecrets } from '../parse.js';
import type { BackupSupport, DatabaseAdapter, DatabaseProbe, PreparedDump } from '../types.js';

type BackupAdapter = DatabaseAdapter & { readonly backup: BackupSupport };
import { countTables, parseServerVersion, parseToolMajor, pgDumpCommand, pgDumpVersionCommand, pgRestoreCommand, pgRestoreListCommand, psqlCommand, serverVersionCommand } from './commands.js';
import { checkGlobals, globalsAdapter, isCustomFormat } from './globals.js';
import { selectTables } from './restore-tables.js';
import { openScratch } from './scratch.js';
import { postgresStats } from './stats.js';

const PROTOCOLS = ['postgres:', 'postgresql:'];

/** Query run by psql: proves the server answers, the credentials work and the database exists. */
const PING_SQL = "select current_setting('server_version')";

export const postgres: DatabaseAdapter = {
  kind: 'postgres',
  protocols: PROTOCOLS,
  dotenvKeys: [{ variable: 'DATABASE_URL', name: 'main' }],
  tools: { backup: ['pg_dump', 'pg_restore', 'psql'], probe: ['psql'] },
  parse: (url, key) => parseWithSecrets(url, key, PROTOCOLS),
  stats: postgresStats,
  globals: (passwords) => globalsAdapter(postgres as BackupAdapter, passwords),
  probe: (conn, _url, timeoutMs): DatabaseProbe => ({
    target: conn.safeUrl,
    command: psqlCommand(conn, PING_SQL, { readOnly: true, connectTimeout: connectSeconds(timeoutMs), stopOnError: false }),
    read: (stdout) => {
      const version = stdout.trim();
      return version ? { ok: true, version } : { ok: false, reason: 'psql printed no server version' };
    },
  }),
  backup: {
    fileName: (name) => `${name}.pgdump`,
    byHand: {
      format: 'PostgreSQL custom format (pg_dump -Fc); pg_restore --list shows what it holds',
      restore: (file) => [`pg_restore --clean --if-exists --no-owner --single-transaction -d "<database URL>" ${file}`, 'psql "<database URL>" -c ANALYZE'],
    },
    prepare,
    dump: async (ctx, conn, sink) => {
      await ctx.runner.stream(pgDumpCommand(conn), sink);
    },
    // A globals part (main.globals) is read back by its own check: the manifest names its kind postgres.
    check: async (file, runner) => {
      if (!(await isCustomFormat(file))) return checkGlobals(file);
      const listed = await runner.run(pgRestoreListCommand(file), { allowFailure: true });
      if (listed.exitCode !== 0) throw new OpsError(`pg_restore cannot read ${file}: ${listed.stderr.trim().split(/\r?\n/).pop() ?? `exit ${listed.exitCode}`}.`, 'The dump is damaged; take a new backup.');
      return { entries: countTables(listed.stdout), checked: 'pg_restore --list reads it' };
    },
    // One transaction (a failure leaves the database as it was), then ANALYZE: a restored database has no statistics.
    restore: async (ctx, conn, dump) => {
      await ctx.runner.run(pgRestoreCommand(conn, dump));
      await ctx.runner.run(psqlCommand(conn, 'ANALYZE', { readOnly: false }));
    },
    selectTables,
    scratch: openScratch,
  },
};

/** pg_dump cannot dump a newer server: its major version is compared with the server's, which also proves the login. */
async function prepare(ctx: Context, name: string, conn: Connection): Promise<PreparedDump> {
  const tool = parseToolMajor((await ctx.runner.run(pgDumpVersionCommand())).stdout);
  const server = await serverVersion(ctx, name, conn);
  if (!tool || !server) ctx.log.warn(`${name}: could not read the ${!tool ? 'pg_dump' : "server's"} version, so pg_dump's major version was not compared with the server's`);
  if (tool && server && tool.major < server.major) {
    throw new OpsError(
      `pg_dump ${tool.text} is older than the ${name} server (PostgreSQL ${server.text}): pg_dump cannot dump a newer server.`,
      `Install the PostgreSQL ${server.major} client tools (Debian/Ubuntu: apt-get install postgresql-client-${server.major}) and put them first on PATH.`,
      { pgDump: tool.text, server: server.text },
    );
  }
  return { tool: `pg_dump ${tool?.text ?? 'unknown'}`, ...(server ? { serverVersion: server.text } : {}) };
}

async function serverVersion(ctx: Context, name: string, conn: Connection): Promise<{ major: number; text: string } | undefined> {
  const result = await ctx.runner.run(serverVersionCommand(conn), { allowFailure: true });
  if (result.exitCode !== 0) {
    const said = result.stderr.trim().split(/\r?\n/).filter(Boolean).pop() ?? `psql exit ${result.exitCode}`;
    throw new OpsError(
      `Cannot log in to database ${name} (${redact(conn.safeUrl)}): ${redact(said.replace(/^psql: (error: )?/, ''))}`,
      `Check databases.${name}.url (host, user, password) and that the server is up: opsctl health-check --only ${name}`,
    );
  }
  return parseServerVersion(result.stdout);
}

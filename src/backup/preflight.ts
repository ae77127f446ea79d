import type { Context } from '../context.js';
import { OpsError } from '../errors.js';
import { checkPaths } from './files.js';
import { mongodumpVersionCommand } from './mongo.js';
import type { PartPlan } from './parts.js';
import { parseServerVersion, parseToolMajor, pgDumpVersionCommand, serverVersionCommand } from './postgres.js';
import { parseVersion } from '../process/tools.js';
import { TAR_TOOL } from './files.js';
import { redact } from '../process/redact.js';

export interface Prepared {
  part: PartPlan;
  tool: string;
  serverVersion?: string;
}

/** Every part's tool, credentials and paths checked before a byte is written: a wrong password fails in a second, not after a dump. */
export async function preflight(ctx: Context, parts: readonly PartPlan[]): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  for (const part of parts) prepared.push(await preparePart(ctx, part));
  return prepared;
}

async function preparePart(ctx: Context, part: PartPlan): Promise<Prepared> {
  switch (part.kind) {
    case 'postgres': {
      const tool = parseToolMajor((await ctx.runner.run(pgDumpVersionCommand())).stdout);
      const server = await serverVersion(ctx, part);
      if (!tool || !server) ctx.log.warn(`${part.name}: could not read the ${!tool ? "pg_dump" : "server's"} version, so pg_dump's major version was not compared with the server's`);
      if (tool && server && tool.major < server.major) {
        throw new OpsError(
          `pg_dump ${tool.text} is older than the ${part.name} server (PostgreSQL ${server.text}): pg_dump cannot dump a newer server.`,
          `Install the PostgreSQL ${server.major} client tools (Debian/Ubuntu: apt-get install postgresql-client-${server.major}) and put them first on PATH.`,
          { pgDump: tool.text, server: server.text },
        );
      }
      return { part, tool: `pg_dump ${tool?.text ?? 'unknown'}`, ...(server ? { serverVersion: server.text } : {}) };
    }
    case 'mongo': {
      const out = await ctx.runner.run(mongodumpVersionCommand());
      return { part, tool: `mongodump ${parseVersion(out.stdout) ?? 'unknown'}` };
    }
    case 'files':
      await checkPaths(part.cwd, part.paths);
      return { part, tool: TAR_TOOL };
  }
}

async function serverVersion(ctx: Context, part: Extract<PartPlan, { kind: 'postgres' }>): Promise<{ major: number; text: string } | undefined> {
  const result = await ctx.runner.run(serverVersionCommand(part.conn), { allowFailure: true });
  if (result.exitCode !== 0) {
    const said = result.stderr.trim().split(/\r?\n/).filter(Boolean).pop() ?? `psql exit ${result.exitCode}`;
    throw new OpsError(
      `Cannot log in to database ${part.name} (${redact(part.conn.safeUrl)}): ${redact(said.replace(/^psql: (error: )?/, ''))}`,
      `Check databases.${part.name}.url (host, user, password) and that the server is up: opsctl health-check --only ${part.name}`,
    );
  }
  return parseServerVersion(result.stdout);
}

import type { DatabaseConfig } from '../config/schema.js';
import { parseConnectionUrl, postgresEnv } from '../db/connection.js';
import { formatDuration } from '../config/duration.js';
import { ToolMissingError } from '../errors.js';
import { command, type Command } from '../process/command.js';
import { redact } from '../process/redact.js';
import { withDeadline } from '../process/deadline.js';
import type { Runner } from '../process/runner.js';
import type { Attempt } from './http.js';

/** Query run by psql: proves the server answers, the credentials work and the database exists. */
const PG_QUERY = "select current_setting('server_version')";

// mongosh reads the URI from its environment: a URI in argv would show its password to every `ps`.
const MONGO_SCRIPT =
  'const c = connect(process.env.OPSCTL_MONGO_URI); const r = c.runCommand({ ping: 1 }); print(JSON.stringify({ ok: r.ok, version: c.version() }));';

export interface DatabaseProbe {
  command: Command;
  /** What is shown as the probe's target: the URL without its password. */
  target: string;
  /** Reads the client's output on success: the server version, or why the answer is wrong. */
  read(stdout: string, stderr: string): { ok: true; version?: string } | { ok: false; reason: string };
}

/** The client command that pings one database, its password in the child's environment only. */
export function databaseProbe(name: string, db: DatabaseConfig, timeoutMs: number): DatabaseProbe {
  const key = `databases.${name}.url`;
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  switch (db.type) {
    case 'postgres': {
      const conn = parseConnectionUrl(db.url, key, ['postgres:', 'postgresql:']);
      return {
        target: conn.safeUrl,
        command: command('psql', ['-X', '-w', '-q', '-A', '-t', '-d', conn.safeUrl, '-c', PG_QUERY], {
          readOnly: true,
          env: postgresEnv(conn, seconds),
        }),
        read: (stdout) => {
          const version = stdout.trim();
          return version ? { ok: true, version } : { ok: false, reason: 'psql printed no server version' };
        },
      };
    }
    case 'mongo': {
      const conn = parseConnectionUrl(db.url, key, ['mongodb:', 'mongodb+srv:']);
      return {
        target: conn.safeUrl,
        command: command('mongosh', ['--nodb', '--quiet', '--norc', '--eval', MONGO_SCRIPT], { readOnly: true, env: { OPSCTL_MONGO_URI: db.url } }),
        read: (stdout) => {
          const line = stdout.trim().split(/\r?\n/).pop() ?? '';
          try {
            const answer = JSON.parse(line) as { ok?: unknown; version?: unknown };
            if (Number(answer.ok) === 1) return { ok: true, ...(typeof answer.version === 'string' ? { version: answer.version } : {}) };
            return { ok: false, reason: `ping answered ${line}` };
          } catch {
            return { ok: false, reason: `unexpected answer from mongosh: ${line.slice(0, 80)}` };
          }
        },
      };
    }
    case 'redis': {
      const conn = parseConnectionUrl(db.url, key, ['redis:', 'rediss:']);
      const args = ['-h', conn.host, '-p', String(conn.port ?? 6379)];
      if (conn.user) args.push('--user', conn.user);
      if (conn.database) args.push('-n', conn.database);
      if (conn.tls) args.push('--tls');
      args.push('ping');
      return {
        target: conn.safeUrl,
        command: command('redis-cli', args, { readOnly: true, env: conn.password ? { REDISCLI_AUTH: conn.password } : {} }),
        // redis-cli exits 0 on an error reply; a failed AUTH is said on stderr, NOAUTH on stdout.
        read: (stdout, stderr) => {
          if (stdout.trim() === 'PONG') return { ok: true };
          const said = (stderr.trim() || stdout.trim()).split(/\r?\n/)[0];
          return { ok: false, reason: said || 'no answer to PING' };
        },
      };
    }
  }
}

/** One ping through the database's client tool. A missing client says so: it is not the database being down. */
export async function probeDatabase(probe: DatabaseProbe, kind: DatabaseConfig['type'], runner: Runner, timeoutMs: number): Promise<Attempt> {
  const base = { kind, target: redact(probe.target) } as const;
  const started = performance.now();
  try {
    const result = await withDeadline(timeoutMs, (signal) => runner.run(probe.command, { allowFailure: true, signal }));
    const latency = Math.round(performance.now() - started);
    if (result.exitCode !== 0) return { ...base, state: 'unhealthy', value: latency, unit: 'ms', reason: clientError(result.stderr || result.stdout, probe.command.file, result.exitCode) };
    const answer = probe.read(result.stdout, result.stderr);
    if (!answer.ok) return { ...base, state: 'unhealthy', value: latency, unit: 'ms', reason: redact(answer.reason) };
    return {
      ...base,
      state: 'healthy',
      value: latency,
      unit: 'ms',
      reason: `up, answered in ${latency} ms${answer.version ? ` (server ${answer.version})` : ''}`,
      ...(answer.version ? { details: { serverVersion: answer.version } } : {}),
    };
  } catch (error) {
    if (error instanceof ToolMissingError) {
      return { ...base, state: 'unknown', reason: `not checked: ${probe.command.file} is not installed`, details: { hint: error.hint } };
    }
    if (error instanceof Error && error.name === 'TimeoutError') {
      return { ...base, state: 'unhealthy', reason: `no answer within ${formatDuration(timeoutMs)}` };
    }
    throw error;
  }
}

/** The client's own words, without its program-name prefix: "connection to server ... failed: Connection refused". */
function clientError(output: string, file: string, exitCode: number): string {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const line = lines.find((l) => /error|fail|refused|denied|could not|timeout|auth/i.test(l)) ?? lines[0];
  if (!line) return `${file} exited with code ${exitCode}`;
  return redact(line.replace(/^(psql|mongosh|redis-cli): (error: )?/i, ''));
}

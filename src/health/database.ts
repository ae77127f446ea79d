import type { DatabaseConfig } from '../config/schema.js';
import { databaseAdapter, type DatabaseProbe } from '../databases/index.js';
import { formatDuration } from '../config/duration.js';
import { ToolMissingError } from '../errors.js';
import { redact } from '../process/redact.js';
import { withDeadline } from '../process/deadline.js';
import type { Runner } from '../process/runner.js';
import type { Attempt } from './http.js';

/** The client command that pings one database (built by its kind's adapter), its password in the child's environment only. */
export function databaseProbe(name: string, db: DatabaseConfig, timeoutMs: number): DatabaseProbe {
  const adapter = databaseAdapter(db.type);
  return adapter.probe(adapter.parse(db.url, `databases.${name}.url`), db.url, timeoutMs);
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
  const prefix = `${file}: `;
  return redact(line.toLowerCase().startsWith(prefix.toLowerCase()) ? line.slice(prefix.length).replace(/^error: /i, '') : line);
}

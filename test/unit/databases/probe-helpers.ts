import { expect } from 'vitest';
import type { DatabaseAdapter, DatabaseProbe } from '../../../src/databases/index.js';

/** The adapter's probe of `url` as health-check builds it for databases.<name>.url. */
export function probeWith(adapter: DatabaseAdapter, name: string): (url: string, timeoutMs: number) => DatabaseProbe {
  return (url, timeoutMs) => adapter.probe(adapter.parse(url, `databases.${name}.url`), url, timeoutMs);
}

/** Every argv element, and the formatted line: a password must be in none of them. */
export function expectNotInArgv(probe: DatabaseProbe, ...secrets: string[]): void {
  const argv = [probe.command.file, ...probe.command.args];
  for (const secret of secrets) for (const arg of argv) expect(arg).not.toContain(secret);
}

import { registerSecret, registerUrlSecrets } from '../process/redact.js';
import { parseConnectionUrl, type Connection } from './connection.js';

/** Every adapter's parse: the password (as written and decoded) is registered for masking before anything can print it. */
export function parseWithSecrets(url: string, key: string, protocols: readonly string[]): Connection {
  registerUrlSecrets(url);
  const conn = parseConnectionUrl(url, key, protocols);
  registerSecret(conn.password);
  return conn;
}

/** The seconds a client may take to connect: a probe's timeout rounded up, at least 1. */
export function connectSeconds(timeoutMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / 1000));
}

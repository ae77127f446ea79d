import { ConfigError } from '../errors.js';

/**
 * Connection URLs split into what may travel in argv (host, port, user, database) and the password,
 * which reaches the client tools only through their environment.
 */
export interface Connection {
  /** The URL without password: safe to print and to pass in argv. */
  safeUrl: string;
  host: string;
  port: number | undefined;
  user: string | undefined;
  password: string | undefined;
  /** The path without its "/" (a database name, or a redis db number). */
  database: string | undefined;
  tls: boolean;
}

const SECRET_PARAMS = ['password', 'pass', 'pwd'];

export function parseConnectionUrl(url: string, key: string, protocols: readonly string[]): Connection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${key}: not a URL.`, `Write it as ${protocols[0]}//user:password@host:port/name.`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${key}: expected a ${protocols.join(' or ')}// URL, got ${parsed.protocol}//.`, `Write it as ${protocols[0]}//user:password@host:port/name.`);
  }
  let password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  for (const param of SECRET_PARAMS) {
    const value = parsed.searchParams.get(param);
    if (value !== null) password ??= value;
    parsed.searchParams.delete(param);
  }
  parsed.password = '';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || undefined;
  const tlsParam = parsed.searchParams.get('ssl') ?? parsed.searchParams.get('tls');
  return {
    safeUrl: parsed.toString(),
    host: parsed.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port: parsed.port ? Number(parsed.port) : undefined,
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password,
    database,
    tls: parsed.protocol === 'rediss:' || tlsParam === 'true',
  };
}

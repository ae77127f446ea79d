import { ConfigError } from '../errors.js';

/**
 * Connection URLs split into what may travel in argv (host, port, user, database) and the password,
 * which reaches the client tools only through their environment.
 */
export interface Connection {
  /** The URL without password: safe to print and to pass in argv. Everything else is kept as written. */
  safeUrl: string;
  /** The first host of the URL (a mongo seed list may name several); a socket folder from `?host=`. */
  host: string;
  port: number | undefined;
  user: string | undefined;
  password: string | undefined;
  /** The path without its "/" (a database name, or a redis db number). */
  database: string | undefined;
  tls: boolean;
}

const SECRET_PARAMS = new Set(['password', 'pass', 'pwd']);

// scheme://[userinfo@]hosts[/path][?query][#fragment], read by hand: WHATWG URL refuses a mongo seed
// list (h1:27017,h2:27017) and an empty host (a libpq socket URL), and re-encodes the query.
const SHAPE = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i;

export function parseConnectionUrl(url: string, key: string, protocols: readonly string[]): Connection {
  const form = `${protocols[0]}//user@host:port/name (a password goes after the user, separated by ":")`;
  checkUserinfo(url.trim(), key);
  const match = SHAPE.exec(url.trim());
  if (!match) throw new ConfigError(`${key}: not a URL.`, `Write it as ${form}.`);
  const [, scheme, authority, path = '', query = ''] = match as unknown as [string, string, string, string | undefined, string | undefined];
  const protocol = scheme.toLowerCase();
  if (!protocols.includes(protocol)) {
    throw new ConfigError(`${key}: expected a ${protocols.map((p) => `${p}//`).join(' or ')} URL, got ${protocol}//.`, `Write it as ${form}.`);
  }
  // The password runs to the last "@": an unencoded "@" in it still parses.
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? undefined : authority.slice(0, at);
  const hosts = at === -1 ? authority : authority.slice(at + 1);
  const colon = userinfo?.indexOf(':') ?? -1;
  const rawUser = userinfo === undefined ? undefined : colon === -1 ? userinfo : userinfo.slice(0, colon);
  let password = userinfo !== undefined && colon !== -1 ? decode(userinfo.slice(colon + 1), key) : undefined;

  const kept: string[] = [];
  const params = new Map<string, string>();
  for (const pair of query.replace(/^\?/, '').split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq), key).toLowerCase();
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1), key);
    if (SECRET_PARAMS.has(name)) password ??= value;
    else {
      kept.push(pair);
      params.set(name, value);
    }
  }
  const first = parseHost(hosts.split(',')[0] ?? '', key);
  const user = rawUser ? decode(rawUser, key) : undefined;
  const tlsParam = params.get('ssl') ?? params.get('tls');
  return {
    safeUrl: `${protocol}//${rawUser ? `${rawUser}@` : ''}${hosts}${path}${kept.length > 0 ? `?${kept.join('&')}` : ''}`,
    host: first.host || params.get('host') || 'localhost',
    port: first.port,
    user,
    password: password || undefined,
    database: decode(path.replace(/^\//, ''), key) || undefined,
    tls: protocol === 'rediss:' || tlsParam === 'true',
  };
}

/**
 * An unencoded "/", "?" or "#" in the password would end the host part early: the rest of the password
 * would land in the path or query (argv, logs, manifest). Refused without repeating any of the URL.
 */
function checkUserinfo(url: string, key: string): void {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) return;
  const rest = url.slice(scheme[0].length);
  const head = rest.split('?')[0]!;
  const at = head.lastIndexOf('@');
  if (at !== -1 && /[/#]/.test(head.slice(0, at))) {
    throw new ConfigError(`${key}: the password (or user) must be percent-encoded: write / as %2F, # as %23.`, 'Encode those characters in the URL (e.g. in .env); opsctl decodes them before use.');
  }
  // An "@" after the host part, when that part has a user or password (":" or "@"): "u:p?x@h" and
  // "h:5432/db?x=a@b" read either way. Only an "@" in the query of a URL without userinfo stays unambiguous.
  const hostEnd = rest.search(/[/?#]/);
  if (hostEnd !== -1 && rest.includes('@', hostEnd) && /[:@]/.test(rest.slice(0, hostEnd))) {
    throw new ConfigError(
      `${key}: the user and password cannot be told apart from the host: an unencoded "/", "?", "#" or "@" is in them or after the host.`,
      'Percent-encode them in the password (/ as %2F, ? as %3F, # as %23, @ as %40), and an "@" in the query as %40 (e.g. in .env); opsctl decodes them before use.',
    );
  }
}

/** libpq's environment for a connection: the password travels here, never in argv. */
export function postgresEnv(conn: Pick<Connection, 'password'>, connectTimeoutSeconds: number): Record<string, string> {
  return { PGCONNECT_TIMEOUT: String(connectTimeoutSeconds), ...(conn.password ? { PGPASSWORD: conn.password } : {}) };
}

function parseHost(text: string, key: string): { host: string; port: number | undefined } {
  const bracketed = /^\[([^\]]*)\](?::(\d*))?$/.exec(text);
  const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : (text.split(':') as [string, string | undefined]);
  if (port !== undefined && port !== '' && !/^\d+$/.test(port)) throw new ConfigError(`${key}: the port "${port}" is not a number.`, 'Write host:port, such as db:5432.');
  return { host: decode(host, key), port: port ? Number(port) : undefined };
}

function decode(text: string, key: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ConfigError(`${key}: a "%" in the URL is not followed by two hex digits.`, 'Percent-encode special characters in the user name and password: write "%" as %25, "@" as %40, "/" as %2F.');
  }
}

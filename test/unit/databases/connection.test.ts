import { describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../../src/databases/connection.js';
import { ConfigError } from '../../../src/errors.js';

describe('parseConnectionUrl', () => {
  const pgProtocols = ['postgres:', 'postgresql:'];

  it('splits a URL into safe parts and the password', () => {
    expect(parseConnectionUrl('postgresql://app:s3cret@db.internal:6543/shop?sslmode=require', 'k', pgProtocols)).toEqual({
      safeUrl: 'postgresql://app@db.internal:6543/shop?sslmode=require',
      host: 'db.internal',
      port: 6543,
      user: 'app',
      password: 's3cret',
      database: 'shop',
      tls: false,
    });
  });

  it('decodes percent-encoded user, password and database name; the safe URL keeps them encoded', () => {
    const conn = parseConnectionUrl("postgres://d%C3%A9v:p%40ss%3Aw%2Frd%25!$&'()*+,;=@db/my%20shop", 'k', pgProtocols);
    expect(conn).toMatchObject({ user: 'dév', password: "p@ss:w/rd%!$&'()*+,;=", database: 'my shop' });
    expect(conn.safeUrl).toBe('postgres://d%C3%A9v@db/my%20shop');
  });

  it('an unencoded "@" in the password: the password runs to the last "@"', () => {
    expect(parseConnectionUrl('postgres://app:p@ss@db/shop', 'k', pgProtocols)).toMatchObject({ host: 'db', user: 'app', password: 'p@ss' });
  });

  it('an unencoded "/" or "#" in the password: a ConfigError that repeats no part of the URL', () => {
    for (const url of ['postgresql://app:123/xY+z9=@db/app', 'postgresql://app:Kq#Wz@db/app?sslmode=require', 'mongodb://app:Pm/Tn@m1:27017/shop']) {
      let error: unknown;
      try {
        parseConnectionUrl(url, 'databases.main.url', [...pgProtocols, 'mongodb:']);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe('databases.main.url: the password (or user) must be percent-encoded: write / as %2F, # as %23.');
      for (const secretPart of ['123', 'xY+z9', 'Kq', 'Wz', 'Pm', 'Tn']) expect(JSON.stringify({ m: (error as Error).message, h: (error as ConfigError).hint })).not.toContain(secretPart);
    }
    // Encoded, the same password parses; a "/" or "@" after the host is left alone.
    expect(parseConnectionUrl('postgresql://app:123%2FxY+z9=@db/app', 'k', pgProtocols)).toMatchObject({ password: '123/xY+z9=', database: 'app' });
    expect(parseConnectionUrl('postgresql://db/app?application_name=a@b', 'k', pgProtocols)).toMatchObject({ host: 'db', database: 'app' });
  });

  it('no port, user, password or database: undefined; an IPv6 host without brackets', () => {
    expect(parseConnectionUrl('postgres://[::1]', 'k', pgProtocols)).toEqual({ safeUrl: 'postgres://[::1]', host: '::1', port: undefined, user: undefined, password: undefined, database: undefined, tls: false });
  });

  it('the password in the userinfo wins over a ?password= parameter; both leave the safe URL', () => {
    const conn = parseConnectionUrl('postgres://app:first@db/shop?password=second', 'k', pgProtocols);
    expect(conn.password).toBe('first');
    expect(conn.safeUrl).toBe('postgres://app@db/shop');
  });

  it('tls: rediss://, ?ssl=true and ?tls=true', () => {
    expect(parseConnectionUrl('rediss://cache', 'k', ['redis:', 'rediss:']).tls).toBe(true);
    expect(parseConnectionUrl('redis://cache', 'k', ['redis:', 'rediss:']).tls).toBe(false);
    expect(parseConnectionUrl('mongodb://m/db?ssl=true', 'k', ['mongodb:']).tls).toBe(true);
    expect(parseConnectionUrl('mongodb://m/db?tls=true', 'k', ['mongodb:']).tls).toBe(true);
    expect(parseConnectionUrl('mongodb://m/db?tls=false', 'k', ['mongodb:']).tls).toBe(false);
  });

  it('not a URL: ConfigError naming the key, with an example URL in the hint', () => {
    const attempt = () => parseConnectionUrl('db.internal/shop', 'databases.main.url', pgProtocols);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow('databases.main.url: not a URL.');
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).hint).toContain('postgres://');
    }
  });

  it('a wrong scheme: ConfigError naming the key, the schemes expected and the one given', () => {
    const attempt = () => parseConnectionUrl('https://app:s3cret@db/shop', 'databases.main.url', pgProtocols);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^databases\.main\.url: expected a postgres:\/\/ or postgresql:\/\/ URL, got https:\/\/\.$/);
  });

  // src bug: src/databases/connection.ts calls parsed.searchParams.delete(), which re-serializes the whole query
  // form-style, a space as "+"; libpq does not read "+" as a space, so options=-c%20statement_timeout%3D5000
  // reaches the server as "-c+statement_timeout=5000" and a healthy database is reported unhealthy
  // (FATAL: unrecognized configuration parameter "+statement_timeout"). Flip to it() once fixed.
  it('keeps the rest of the query exactly as written (libpq reads "+" literally)', () => {
    const conn = parseConnectionUrl('postgres://app:pw@db/shop?options=-c%20statement_timeout%3D5000&application_name=health%20check', 'k', pgProtocols);
    expect(conn.safeUrl).toBe('postgres://app@db/shop?options=-c%20statement_timeout%3D5000&application_name=health%20check');
  });

  // src bug: decodeURIComponent throws URIError on a password with a bare "%" ("50%off"): health-check
  // exits 1 with "URI malformed" instead of a ConfigError (exit 2) naming databases.<name>.url. Flip once fixed.
  it('a libpq socket URL (empty host, ?host=/run/postgresql) is accepted: the socket folder is the host', () => {
    const conn = parseConnectionUrl('postgresql://app:pw-sock@/shop?host=/run/postgresql', 'k', pgProtocols);
    expect(conn).toMatchObject({ safeUrl: 'postgresql://app@/shop?host=/run/postgresql', host: '/run/postgresql', password: 'pw-sock', database: 'shop' });
  });

  it('IPv6 hosts keep their brackets and give their port', () => {
    const conn = parseConnectionUrl('postgres://app:pw@[::1]:6543/shop', 'k', pgProtocols);
    expect(conn).toMatchObject({ safeUrl: 'postgres://app@[::1]:6543/shop', host: '::1', port: 6543 });
  });

  it('a password with a bare "%" is a ConfigError naming the key', () => {
    expect(() => parseConnectionUrl('postgres://app:50%off@db/shop', 'databases.main.url', pgProtocols)).toThrow(ConfigError);
  });
});

import { describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../../src/databases/connection.js';
import { countTables, parseServerVersion, parseToolMajor, pgDumpCommand, pgRestoreCommand, urlFor } from '../../../src/databases/postgres/commands.js';
import { postgres } from '../../../src/databases/postgres/index.js';
import { ConfigError } from '../../../src/errors.js';
import { caught } from '../helpers.js';
import { expectNotInArgv, probeWith } from './probe-helpers.js';

const PG_QUERY = "select current_setting('server_version')";
const probeOf = probeWith(postgres, 'main');
const pg = parseConnectionUrl('postgresql://app:s3cret-pw@db.internal:5433/shop?sslmode=require', 'k', ['postgresql:']);

describe('postgres command builders', () => {
  it('a scratch URL drops libpq\'s dbname= and service=, which would override its path', () => {
    const tricky = parseConnectionUrl('postgresql://app@db:5432/shop?dbname=shop&sslmode=require&SERVICE=prod', 'k', ['postgresql:']);
    expect(urlFor(tricky, 'scratch')).toBe('postgresql://app@db:5432/scratch?sslmode=require');
  });

  it('pg_dump: custom format, no prompt, the password by environment only', () => {
    const cmd = pgDumpCommand(pg);
    expect(cmd.args).toEqual(['-Fc', '-w', '-d', 'postgresql://app@db.internal:5433/shop?sslmode=require']);
    expect(cmd.env).toMatchObject({ PGPASSWORD: 's3cret-pw' });
    expect(JSON.stringify(cmd.args)).not.toContain('s3cret-pw');
  });

  it('pg_restore: clean, if-exists, no-owner, exit-on-error, one transaction; into another database on request', () => {
    expect(pgRestoreCommand(pg, '/b/main.pgdump', 'scratch').args).toEqual([
      '--clean', '--if-exists', '--no-owner', '--exit-on-error', '--single-transaction', '-w', '-d', 'postgresql://app@db.internal:5433/scratch?sslmode=require', '/b/main.pgdump',
    ]);
    expect(urlFor(pg, 'shop')).toBe(pg.safeUrl);
  });

  it('reads versions: server_version_num and the tools\' --version', () => {
    expect(parseServerVersion('150018 15.18 (Debian 15.18-0+deb12u1)')).toEqual({ major: 15, text: '15.18 (Debian 15.18-0+deb12u1)' });
    expect(parseServerVersion('90624 9.6.24')).toEqual({ major: 9.6, text: '9.6.24' });
    expect(parseToolMajor('pg_dump (PostgreSQL) 16.4 (Ubuntu 16.4-1)')).toEqual({ major: 16, text: '16.4' });
    expect(parseToolMajor('pg_dump (PostgreSQL) 9.6.24')!.major).toBeLessThan(10);
  });

  it('counts the tables a pg_restore --list shows', () => {
    const listing = ';\n; Archive created at\n215; 1259 16390 TABLE public items postgres\n216; 1259 16391 TABLE public orders postgres\n3321; 0 16390 TABLE DATA public items postgres\n';
    expect(countTables(listing)).toBe(2);
  });
});

describe('postgres adapter: the health probe (psql)', () => {
  it('runs a read-only psql with the URL minus its password, the password in PGPASSWORD', () => {
    const probe = probeOf('postgresql://app:s3cret-pw@db.internal:5432/shop?sslmode=require', 5000);
    expect(probe.command).toEqual({
      file: 'psql',
      args: ['-X', '-w', '-q', '-A', '-t', '-d', 'postgresql://app@db.internal:5432/shop?sslmode=require', '-c', PG_QUERY],
      readOnly: true,
      env: { PGCONNECT_TIMEOUT: '5', PGPASSWORD: 's3cret-pw' },
    });
    expect(probe.target).toBe('postgresql://app@db.internal:5432/shop?sslmode=require');
    expectNotInArgv(probe, 's3cret-pw');
  });

  it('decodes a percent-encoded password for PGPASSWORD and keeps both spellings out of argv', () => {
    const probe = probeOf('postgres://app:p%40ss%2Fw0rd%3A1@db/shop', 5000);
    expect(probe.command.env?.PGPASSWORD).toBe('p@ss/w0rd:1');
    expectNotInArgv(probe, 'p%40ss%2Fw0rd%3A1', 'p@ss/w0rd:1', 'w0rd');
  });

  it.each(['password', 'pass', 'pwd'])('takes a ?%s= query parameter out of the URL and into PGPASSWORD', (param) => {
    const probe = probeOf(`postgres://app@db:5432/shop?${param}=q-s3cret&sslmode=require`, 5000);
    expect(probe.command.env?.PGPASSWORD).toBe('q-s3cret');
    expect(probe.command.args).toContain('postgres://app@db:5432/shop?sslmode=require');
    expectNotInArgv(probe, 'q-s3cret');
  });

  it('sets no PGPASSWORD when the URL has none (libpq may then use ~/.pgpass)', () => {
    const probe = probeOf('postgres://app@db/shop', 5000);
    expect(probe.command.env).toEqual({ PGCONNECT_TIMEOUT: '5' });
  });

  it('PGCONNECT_TIMEOUT is the probe timeout rounded up to whole seconds, at least 1', () => {
    const timeout = (ms: number) => probeOf('postgres://db/shop', ms).command.env?.PGCONNECT_TIMEOUT;
    expect([timeout(200), timeout(2500), timeout(3000), timeout(60_000)]).toEqual(['1', '3', '3', '60']);
  });

  it('reads the server version from stdout; an empty answer is not a healthy one', () => {
    const probe = probeOf('postgres://db/shop', 5000);
    expect(probe.read('15.18 (Debian 15.18-0+deb12u1)\n', '')).toEqual({ ok: true, version: '15.18 (Debian 15.18-0+deb12u1)' });
    expect(probe.read('\n', '')).toEqual({ ok: false, reason: 'psql printed no server version' });
  });

  it('a URL of another scheme is a ConfigError naming the key, without the password', async () => {
    const error = (await caught(Promise.resolve().then(() => probeOf('mysql://app:my-s3cret@db/shop', 5000)))) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('databases.main.url');
    expect(error.message).toContain('mysql:');
    expect(`${error.message} ${error.hint}`).not.toContain('my-s3cret');
  });
});

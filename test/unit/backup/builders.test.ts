import { describe, expect, it } from 'vitest';
import { mongodumpCommand, mongorestoreCommand } from '../../../src/backup/mongo.js';
import { countTables, parseServerVersion, parseToolMajor, pgDumpCommand, pgRestoreCommand, urlFor } from '../../../src/backup/postgres.js';
import { setIdFor, partialName } from '../../../src/backup/sets.js';
import { parseConnectionUrl } from '../../../src/db/connection.js';

const pg = parseConnectionUrl('postgresql://app:s3cret-pw@db.internal:5433/shop?sslmode=require', 'k', ['postgresql:']);
const mongo = parseConnectionUrl('mongodb://app:m0ngo-pw@m1:27017/fetms?authSource=admin', 'k', ['mongodb:']);

describe('backup command builders', () => {
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

  it('mongodump and mongorestore: --uri without password, --config for it', () => {
    expect(mongodumpCommand(mongo, '/tmp/x/config.yaml').args).toEqual(['--uri=mongodb://app@m1:27017/fetms?authSource=admin', '--config=/tmp/x/config.yaml', '--archive', '--gzip']);
    expect(mongorestoreCommand(mongo, undefined, '/b/c.archive.gz', 'prod').args).toEqual([
      '--uri=mongodb://app@m1:27017/fetms?authSource=admin', '--drop', '--archive=/b/c.archive.gz', '--gzip', '--nsFrom=prod.*', '--nsTo=fetms.*',
    ]);
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

  it('names sets by UTC second, and partial folders by environment and pid', () => {
    expect(setIdFor(Date.parse('2026-11-23T01:51:17.123Z'))).toBe('20261123T015117Z');
    expect(partialName('production', '20261123T015117Z', 42, 'web 1')).toBe('.partial-production~20261123T015117Z-42@web_1');
  });
});

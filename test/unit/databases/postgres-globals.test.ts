import { describe, expect, it } from 'vitest';
import { isGlobalsPart, planParts } from '../../../src/backup/parts.js';
import { environmentSchema } from '../../../src/config/schema.js';
import type { SelectedEnvironment } from '../../../src/config/select.js';
import { pgDumpallGlobalsCommand, psqlScriptCommand } from '../../../src/databases/postgres/globals.js';

const envOf = (databases: object): SelectedEnvironment => ({
  name: 'production',
  config: environmentSchema.parse({ target: { pm2: { script: 'app.js' } }, databases, backup: { databases: Object.keys(databases) } }),
  app: 'shop',
  dir: '/srv/app',
  envFile: '/srv/app/.env',
  stateDir: '/srv/app/.opsctl',
});

describe('postgres cluster globals', () => {
  it('databases.<name>.globals adds part <name>.globals after the database, as a pg_dumpall SQL file', () => {
    const parts = planParts(envOf({ main: { type: 'postgres', url: 'postgres://app:pw@db/shop', globals: true } }));
    expect(parts.map((p) => [p.name, p.file])).toEqual([['main', 'main.pgdump'], ['main.globals', 'main.globals.sql']]);
    expect(isGlobalsPart('main.globals')).toBe(true);
    expect(isGlobalsPart('main')).toBe(false);
  });

  it('pg_dumpall leaves passwords out unless asked; the password travels by environment only', () => {
    const conn = planParts(envOf({ main: { type: 'postgres', url: 'postgres://app:pw@db/shop' } }))[0]! as { conn: Parameters<typeof pgDumpallGlobalsCommand>[0] };
    const plain = pgDumpallGlobalsCommand(conn.conn, false);
    expect(plain.args).toEqual(['--globals-only', '--no-role-passwords', '-w', '-d', 'postgres://app@db/shop']);
    expect(pgDumpallGlobalsCommand(conn.conn, true).args).not.toContain('--no-role-passwords');
    expect(plain.env?.PGPASSWORD).toBe('pw');
    expect(psqlScriptCommand(conn.conn, 'main.globals.sql').args).toEqual(['-X', '-w', '-q', '-d', 'postgres://app@db/shop', '-f', 'main.globals.sql']);
  });

  it('is a config error on a database other than postgres', () => {
    const result = environmentSchema.safeParse({ target: { pm2: { script: 'app.js' } }, databases: { m: { type: 'mongo', url: 'mongodb://h/db', globals: true } } });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('globals is for postgres databases');
  });
});

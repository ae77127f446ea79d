import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planRestore, restorePart } from '../../../src/backup/restore.js';
import { restoreTest, verifySet } from '../../../src/backup/verify.js';
import { ToolMissingError } from '../../../src/errors.js';
import type { BackupSet } from '../../../src/backup/sets.js';
import { createTestContext } from '../../support/context.js';
import { run as runRestore } from '../../../src/commands/restore.js';
import { acquireLock } from '../../../src/history/lock.js';
import { caught } from '../helpers.js';

const CONFIG = `version: 1
app: shop
environments:
  production:
    target: { pm2: { name: shop, script: app.js } }
    databases: { main: { type: postgres, url: "postgresql://app:pw-unit-1234@db:5432/shop?dbname=shop" } }
    backup: { databases: [main] }
`;
const ID = '20261123T020000Z';
// The set, then the creator (pid and a tag of the host) so a later run can sweep it if this one is killed.
const SCRATCH = `opsctl_verify_20261123t020000z_p${process.pid}_h${createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8)}_i`;
const psql = (db: string, sql: string) => ['-X', '-w', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql];

describe('restore test (scripted runner)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('refuses to pg_restore when the connection did not reach the scratch database, and drops it', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const source = 'postgresql://app@db:5432/shop?dbname=shop';
    const t = createTestContext({
      config: CONFIG,
      commands: [
        { file: 'psql', args: psql(source, "select datname from pg_database where datname like 'opsctl\\_verify\\_%' order by 1"), readOnly: true },
        { file: 'psql', args: psql(source, `create database "${SCRATCH}"`) },
        // As libpq would answer if dbname= were still in the URL.
        { file: 'psql', args: psql(`postgresql://app@db:5432/${SCRATCH}`, 'select current_database()'), stdout: 'shop\n' },
        { file: 'psql', args: psql(source, `drop database if exists "${SCRATCH}"`) },
      ],
    });
    const env = t.ctx.environment();
    const part = { name: 'main', kind: 'postgres' as const, file: 'main.pgdump', bytes: 10, sha256: 'a'.repeat(64), tool: 'pg_dump 15', source: 'postgresql://app@db:5432/shop', entries: 1 };
    const set = { id: ID, dir: path.join(t.dir, 'backups', ID), manifest: { format: 1, app: 'shop', environment: 'production', createdAt: '2026-11-23T02:00:00.000Z', durationMs: 1, host: 'h', opsctlVersion: '0', bytes: 10, parts: [part] } } as BackupSet;
    const result = await restoreTest(t.ctx, env, set, part);
    expect(result.ok).toBe(false);
    expect(result.problem).toBe(`The restore test connected to database "shop", not the scratch database ${SCRATCH}: nothing was restored.`);
    expect(t.runner.ran.some((c) => c.file === 'pg_restore')).toBe(false);
  });
});

describe('restore --dry-run of a mongo part', () => {
  it('prints the mongorestore it would run and writes no temporary password file', async () => {
    const t = createTestContext({
      config: `version: 1
app: shop
environments:
  production:
    target: { pm2: { name: shop, script: app.js } }
    databases: { content: { type: mongo, url: "mongodb://app:m0ngo-pw-1234@m1:27017/shop" } }
    backup: { databases: [content] }
`,
      dryRun: true,
    });
    const env = t.ctx.environment();
    const part = { name: 'content', kind: 'mongo' as const, file: 'content.archive.gz', bytes: 10, sha256: 'a'.repeat(64), tool: 'mongodump 100.9', source: 'mongodb://app@m1:27017/shop' };
    const set = { id: ID, dir: path.join(t.dir, 'backups', ID), manifest: { parts: [part] } } as unknown as BackupSet;
    const [target] = planRestore(env, set, undefined, undefined);
    await restorePart(t.ctx, set, target!);
    expect(t.runner.skipped.map((c) => c.args)).toEqual([['--uri=mongodb://app@m1:27017/shop', '--config=<temporary 0600 file>', '--drop', `--archive=${path.join(set.dir, 'content.archive.gz')}`, '--gzip']]);
  });
});

describe('restore takes the lock first', () => {
  it('another holder of the lock: exit 4 before the set is verified or confirmed', async () => {
    const t = createTestContext({ config: CONFIG, assumeYes: true });
    const setDir = path.join(t.dir, 'backups', ID);
    mkdirSync(setDir, { recursive: true });
    const part = { name: 'main', kind: 'postgres', file: 'main.pgdump', bytes: 10, sha256: 'a'.repeat(64), tool: 'pg_dump 15', source: 'postgresql://app@db:5432/shop' };
    writeFileSync(path.join(setDir, 'manifest.json'), JSON.stringify({ format: 1, app: 'shop', environment: 'production', createdAt: '2026-11-23T02:00:00.000Z', durationMs: 1, host: 'h', opsctlVersion: '0', bytes: 10, parts: [part] }));
    const held = await acquireLock(t.stateDir, 'production', 'opsctl backup prune');
    try {
      const error = (await caught(runRestore(t.ctx, {}, [ID]))) as { exitCode: number };
      expect(error.exitCode).toBe(4);
      expect(t.logs.join('\n')).not.toContain('verifying');
    } finally {
      await held.release();
    }
  });
});

describe('verify with pg_restore missing (scripted runner)', () => {
  it('is exit 127 naming the tool, not a verdict that the set failed', async () => {
    const t = createTestContext({
      config: CONFIG,
      commands: ({ dir }) => [{ file: 'pg_restore', args: ['--list', path.join(dir, 'backups', ID, 'main.pgdump')], error: new ToolMissingError('pg_restore is not installed or not on PATH.', 'Install the PostgreSQL client tools.') }],
    });
    const dump = Buffer.from('PGDMP fake dump');
    const dir = path.join(t.dir, 'backups', ID);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'main.pgdump'), dump);
    const part = { name: 'main', kind: 'postgres' as const, file: 'main.pgdump', bytes: dump.length, sha256: createHash('sha256').update(dump).digest('hex'), tool: 'pg_dump 15', source: 'postgresql://app@db:5432/shop', entries: 1 };
    const set = { id: ID, dir, manifest: { format: 1, app: 'shop', environment: 'production', createdAt: '2026-11-23T02:00:00.000Z', durationMs: 1, host: 'h', opsctlVersion: '0', bytes: dump.length, parts: [part] } } as BackupSet;
    const error = await caught(verifySet(t.ctx, t.ctx.environment(), set));
    expect(error).toBeInstanceOf(ToolMissingError);
    expect((error as ToolMissingError).exitCode).toBe(127);
    expect((error as Error).message).toContain('pg_restore');
  });
});

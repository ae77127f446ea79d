import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startWebhookReceiver } from '../../support/webhook-receiver.js';
import { run } from '../../../src/commands/backup.js';
import { partialName } from '../../../src/backup/sets.js';
import { createTestContext } from '../../support/context.js';
import type { Expected } from '../../support/scripted-runner.js';
import { caught } from '../helpers.js';

const NOW = Date.parse('2026-11-23T02:00:00.000Z');
const ID = '20261123T020000Z';
const CONFIG = `version: 1
app: shop
environments:
  production:
    target: { pm2: { name: shop, script: app.js } }
    databases: { main: { type: postgres, url: "postgresql://app:pw-unit-1234@db:5432/shop" } }
    backup: { databases: [main] }
`;
const SAFE = 'postgresql://app@db:5432/shop';
const VERSION_SQL = "select current_setting('server_version_num') || ' ' || current_setting('server_version')";
const DUMP = 'PGDMP fake custom-format bytes';

function commands(dir: string, pgDumpVersion = 'pg_dump (PostgreSQL) 15.18'): Expected[] {
  const file = path.join(dir, 'backups', partialName('production', ID), 'main.pgdump');
  return [
    { file: 'pg_dump', args: ['--version'], stdout: `${pgDumpVersion}\n`, readOnly: true },
    { file: 'psql', args: ['-X', '-w', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', SAFE, '-c', VERSION_SQL], stdout: '150018 15.18\n', readOnly: true },
    { file: 'pg_dump', args: ['-Fc', '-w', '-d', SAFE], stdout: DUMP, readOnly: false },
    { file: 'pg_restore', args: ['--list', file], stdout: '215; 1259 16390 TABLE public items app\n', readOnly: true },
  ];
}

describe('backup command (scripted runner)', () => {
  it('runs the checks, streams the dump through sha256, writes the manifest last and publishes the set', async () => {
    const t = createTestContext({ config: CONFIG, now: () => NOW, commands: ({ dir }) => commands(dir) });
    const { data } = await run(t.ctx, {}, []);
    expect(data.action).toBe('create');
    if (data.action !== 'create' || !data.set) throw new Error('no set');
    expect(data.set.id).toBe(ID);
    expect(readdirSync(path.join(t.dir, 'backups'))).toEqual([ID]);
    const manifest = JSON.parse(readFileSync(path.join(t.dir, 'backups', ID, 'manifest.json'), 'utf8'));
    expect(manifest.parts).toEqual([
      { name: 'main', kind: 'postgres', file: 'main.pgdump', bytes: DUMP.length, sha256: createHash('sha256').update(DUMP).digest('hex'), tool: 'pg_dump 15.18', serverVersion: '15.18', source: SAFE, entries: 1 },
    ]);
    expect(t.runner.ran.find((c) => c.args[0] === '-Fc')!.env).toMatchObject({ PGPASSWORD: 'pw-unit-1234' });
    expect(readFileSync(path.join(t.stateDir, 'history.jsonl'), 'utf8')).toContain('"type":"backup"');
  });

  it('a password equal to a word of the manifest ("postgres") leaves the manifest whole and the set listed', async () => {
    const config = CONFIG.replace('postgresql://app:pw-unit-1234@db:5432/shop', 'postgresql://postgres:postgres@db:5432/shop');
    const safe = 'postgresql://postgres@db:5432/shop';
    const t = createTestContext({ config, now: () => NOW, commands: ({ dir }) => commands(dir).map((c) => ({ ...c, args: c.args.map((a) => (a === SAFE ? safe : a)) })) });
    await run(t.ctx, {}, []);
    const manifest = JSON.parse(readFileSync(path.join(t.dir, 'backups', ID, 'manifest.json'), 'utf8'));
    expect(manifest.parts[0]).toMatchObject({ kind: 'postgres', source: safe });
    expect(JSON.stringify(manifest)).not.toContain('***');
    const { data } = await run(t.ctx, {}, ['list']);
    expect(data).toMatchObject({ action: 'list', incomplete: [], sets: [{ id: ID }] });
  });

  it('--dry-run runs only the read-only checks and writes nothing', async () => {
    const t = createTestContext({ config: CONFIG, now: () => NOW, dryRun: true, commands: ({ dir }) => commands(dir).slice(0, 2) });
    const { data } = await run(t.ctx, {}, []);
    expect(data).toMatchObject({ action: 'create', dryRun: true, set: null });
    expect(t.runner.skipped.map((c) => c.args.join(' '))).toEqual([`-Fc -w -d ${SAFE}`]);
    expect(existsSync(path.join(t.dir, 'backups'))).toBe(false);
  });

  it('refuses a pg_dump older than the server, naming both', async () => {
    const t = createTestContext({ config: CONFIG, now: () => NOW, commands: ({ dir }) => commands(dir, 'pg_dump (PostgreSQL) 14.2').slice(0, 2) });
    const error = (await caught(run(t.ctx, {}, []))) as Error;
    expect(error.message).toBe('pg_dump 14.2 is older than the main server (PostgreSQL 15.18): pg_dump cannot dump a newer server.');
    expect(existsSync(path.join(t.dir, 'backups'))).toBe(false);
  });

  it('a pg_dump version it cannot read is a warning, not a silent skip of the version check', async () => {
    const t = createTestContext({ config: CONFIG, now: () => NOW, commands: ({ dir }) => commands(dir, 'pg_dump (SomeFork) devel') });
    await run(t.ctx, {}, []);
    expect(t.logs.join('\n')).toContain("main: could not read the pg_dump version, so pg_dump's major version was not compared with the server's");
  });

  it('a 0-byte dump is a failure, and no set is kept', async () => {
    const t = createTestContext({ config: CONFIG, now: () => NOW, commands: ({ dir }) => commands(dir).slice(0, 2).concat([{ file: 'pg_dump', args: ['-Fc', '-w', '-d', SAFE], stdout: '' }]) });
    const error = (await caught(run(t.ctx, {}, []))) as Error;
    expect(error.message).toBe('main: pg_dump 15.18 wrote nothing.');
    expect(readdirSync(path.join(t.dir, 'backups'))).toEqual([]);
  });

  it('a half-written mongo archive (gzip cut short) is a failure, and no set is kept', async () => {
    const config = CONFIG.replace('main: { type: postgres, url: "postgresql://app:pw-unit-1234@db:5432/shop" }', 'main: { type: mongo, url: "mongodb://app@m1:27017/shop" }');
    const whole = gzipSync(Buffer.alloc(100_000, 'x'));
    const cut = whole.subarray(0, whole.length - 20).toString('latin1');
    const t = createTestContext({
      config,
      now: () => NOW,
      commands: [
        { file: 'mongodump', args: ['--version'], stdout: 'mongodump version: 100.9.4\n' },
        { file: 'mongodump', args: ['--uri=mongodb://app@m1:27017/shop', '--archive', '--gzip'], stdout: cut },
      ],
    });
    const error = (await caught(run(t.ctx, {}, []))) as Error;
    // The scripted runner carries stdout as text, so the bytes arrive damaged as well as cut: either way not whole.
    expect(error.message).toMatch(/main\.archive\.gz is not a whole gzip stream: /);
    expect(readdirSync(path.join(t.dir, 'backups'))).toEqual([]);
  });

  it('a config failure before the lock (unset ${DATABASE_URL} under cron) still pings /fail and alerts', async () => {
    const hooks = await startWebhookReceiver();
    onTestFinished(() => hooks.close());
    const config = `version: 1
app: shop
environments:
  production:
    target: { pm2: { name: shop, script: app.js } }
    databases: { main: { type: postgres, url: "\${DATABASE_URL}" } }
    backup: { databases: [main], ping: "${hooks.url('/ping/uuid')}" }
    alerts: { webhook: "${hooks.url('/hooks/secret')}" }
`;
    const t = createTestContext({ config, now: () => NOW });
    const error = (await caught(run(t.ctx, {}, []))) as { exitCode: number; message: string };
    expect(error.exitCode).toBe(2);
    expect(hooks.requests().map((r) => r.path)).toEqual(['/ping/uuid/fail', '/hooks/secret']);
    expect(hooks.alerts().at(-1)).toMatch(/^\[shop production\] .* backup failed: databases.main.url: /);
  });

  it('rejects unknown actions and stray arguments as usage errors', async () => {
    const t = createTestContext({ config: CONFIG });
    expect(((await caught(run(t.ctx, {}, ['lsit']))) as { exitCode: number }).exitCode).toBe(2);
    expect(((await caught(run(t.ctx, {}, ['list', 'x']))) as { exitCode: number }).exitCode).toBe(2);
  });
});

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, REPO_ROOT, removeTempDirs, runCli, startCli, waitFor, writeConfig } from '../support/real-cli.js';
import { requireTool } from '../support/real-tools.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const STAND_INS = path.join(REPO_ROOT, 'test', 'support', 'stand-ins');
const PASSWORD = 'mongo-pw-lifecycle-91';

describe('backup prune, list, dry-run, ping and alerts, Ctrl-C (files, and the mongo stand-in)', () => {
  let hooks: WebhookReceiver;
  beforeAll(async () => {
    await ensureBuilt();
    hooks = await startWebhookReceiver();
  }, 120_000);
  afterAll(async () => {
    await hooks.close();
    removeTempDirs();
  });

  function app(backup: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const dir = makeTempDir('backup-life');
    writeFileSync(path.join(dir, '.env.app'), 'TOKEN=1\n');
    mkdirSync(path.join(dir, 'mongo-data'));
    writeFileSync(path.join(dir, 'mongo-data', 'fetms.json'), JSON.stringify({ users: [{ _id: 1 }] }));
    writeConfig(dir, {
      version: 1,
      app: 'life',
      environments: {
        production: {
          target: { pm2: { name: 'life', script: 'app.js' } },
          databases: { content: { type: 'mongo', url: '${MONGO_URL}' } },
          backup: { files: ['.env.app'], ...backup },
          ...extra,
        },
      },
    });
    return dir;
  }

  const envFor = (dir: string, extra: Record<string, string> = {}) =>
    cleanEnv({
      PATH: `${STAND_INS}${path.delimiter}${process.env.PATH}`,
      MONGO_URL: `mongodb://app:${PASSWORD}@127.0.0.1:27017/fetms`,
      MONGO_STANDIN_DATA: path.join(dir, 'mongo-data'),
      MONGO_STANDIN_PASSWORD: PASSWORD,
      ...extra,
    });

  /** Copies of one real set, dated back: one a day at 02:00 UTC for `days` days. */
  function datedCopies(dir: string, id: string, days: number): string[] {
    const ids: string[] = [];
    for (let i = 1; i <= days; i++) {
      const at = new Date(Date.now() - i * 86_400_000);
      const copy = at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
      cpSync(path.join(dir, 'backups', id), path.join(dir, 'backups', copy), { recursive: true });
      const file = path.join(dir, 'backups', copy, 'manifest.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), createdAt: at.toISOString() }));
      ids.push(copy);
    }
    return ids;
  }

  it('prune: refuses an empty policy (exit 2); --dry-run says what would go and why and removes nothing; then removes it', async () => {
    const dir = app({});
    const first = await runCli(['backup', '--json'], { cwd: dir, env: envFor(dir) });
    expect(first.exitCode, first.stderr).toBe(0);
    const refused = await runCli(['backup', 'prune'], { cwd: dir, env: envFor(dir) });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/backup.retention is empty/);

    const newest = parseJson(first.stdout).set.id;
    const old = datedCopies(dir, newest, 40);
    writeConfig(dir, readFileSync(path.join(dir, 'opsctl.yaml'), 'utf8').replace('files:', 'retention: { maxAgeDays: 30 }\n      files:'));
    const dry = await runCli(['backup', 'prune', '--dry-run', '--json'], { cwd: dir, env: envFor(dir) });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(parseJson(dry.stdout).plan.remove.map((d: { id: string }) => d.id)).toEqual(old.slice(29));
    expect(dry.stderr).toMatch(/would remove \d{8}T\d{6}Z: 40 days old \(maxAgeDays 30\)/);
    expect(readdirSync(path.join(dir, 'backups'))).toHaveLength(41);

    const list = parseJson((await runCli(['backup', 'list', '--json'], { cwd: dir, env: envFor(dir) })).stdout);
    expect(list.sets[0]).toMatchObject({ id: newest, keptBy: ['newest', 'younger than 30 days'] });
    expect(list.sets.at(-1).keptBy).toBeNull();

    const pruned = await runCli(['backup', 'prune', '--json'], { cwd: dir, env: envFor(dir) });
    expect(pruned.exitCode, pruned.stderr).toBe(0);
    expect(parseJson(pruned.stdout).removed).toHaveLength(11);
    expect(readdirSync(path.join(dir, 'backups')).sort()).toEqual([newest, ...old.slice(0, 29)].sort());
    expect(readFileSync(path.join(dir, '.opsctl', 'history.jsonl'), 'utf8')).toMatch(/"type":"backup-prune".*"result":"success"/);
  });

  it('--dry-run runs the read-only checks, prints the plan and writes nothing', async () => {
    const dir = app({ databases: ['content'] });
    const run = await runCli(['backup', '--dry-run'], { cwd: dir, env: envFor(dir) });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain("would run: mongodump --uri=mongodb://app@127.0.0.1:27017/fetms '--config=<temporary 0600 file>' --archive --gzip > (stream)");
    expect(run.stderr).toMatch(/would pack \.env\.app into files\.tar\.gz/);
    expect(existsSync(path.join(dir, 'backups'))).toBe(false);
    expect(existsSync(path.join(dir, '.opsctl'))).toBe(false);
  });

  it('pings backup.ping at start and success; a failure pings /fail and alerts alerts.webhook, without the password', async () => {
    const dir = app({ databases: ['content'], ping: hooks.url('/ping/abc-uuid') }, { alerts: { webhook: hooks.url('/hooks/T000/B000/secret') } });
    const ok = await runCli(['backup'], { cwd: dir, env: envFor(dir) });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(hooks.requests().map((r) => r.path)).toEqual(['/ping/abc-uuid/start', '/ping/abc-uuid']);

    const bad = await runCli(['backup'], { cwd: dir, env: envFor(dir, { MONGO_URL: 'mongodb://app:wrong-pw-xyz@127.0.0.1:27017/fetms' }) });
    expect(bad.exitCode).toBe(1);
    await hooks.waitForAlerts(2);
    const paths = hooks.requests().map((r) => r.path);
    expect(paths.slice(2)).toEqual(['/ping/abc-uuid/start', '/ping/abc-uuid/fail', '/hooks/T000/B000/secret']);
    const alert = hooks.alerts().at(-1)!;
    expect(alert).toMatch(/^\[life production\] 🔴 backup failed: mongodump .* failed with exit code 1/);
    for (const text of [alert, bad.stderr, ...hooks.requests().map((r) => r.raw)]) {
      expect(text).not.toContain('wrong-pw-xyz');
      expect(text).not.toContain(PASSWORD);
    }
    expect(bad.stderr).not.toContain('abc-uuid');
  });

  it.skipIf(!requireTool('posix-signals'))('Ctrl-C mid-dump exits 130, keeps no set, removes the temporary password file, releases the lock', async () => {
    const dir = app({ databases: ['content'] });
    const log = path.join(dir, 'mongo.log');
    const child = startCli(['backup'], { cwd: dir, env: envFor(dir, { MONGO_STANDIN_SLOW_MS: '20000', MONGO_STANDIN_LOG: log }) });
    await waitFor('mongodump to start', () => existsSync(log) && readFileSync(log, 'utf8').includes('"--archive"'), 30_000, 50);
    const configFile = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1)!).argv[1].replace('--config=', '');
    expect(existsSync(configFile)).toBe(true);
    child.kill('SIGINT');
    const done = await child;
    expect(done.exitCode).toBe(130);
    expect(existsSync(configFile)).toBe(false);
    expect(readdirSync(path.join(dir, 'backups'))).toEqual([]);
    expect(existsSync(path.join(dir, '.opsctl', 'locks', 'production.lock'))).toBe(false);
    expect(readFileSync(path.join(dir, '.opsctl', 'history.jsonl'), 'utf8')).toMatch(/"type":"backup".*"result":"interrupted"/);
    expect(readdirSync(os.tmpdir()).filter((n) => n.startsWith('opsctl-mongo-') && existsSync(path.join(os.tmpdir(), n, 'config.yaml')) && configFile.includes(n))).toEqual([]);
  }, 60_000);
});

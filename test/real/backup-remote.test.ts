import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, startCli, waitFor } from '../support/real-cli.js';
import { writePostgresBackupConfig } from '../support/files-app.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { S3_KEY, s3rverProblem, startS3, type S3Server } from '../support/real-s3.js';
import { probeCommand, requireTool } from '../support/real-tools.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// Off-site copies through Debian's rclone: to a local-path remote, and to a real S3-compatible server
// (s3rver) on loopback. Real PostgreSQL, real age; the CLI as users run it.
const ready =
  requireTool('postgres') &&
  requireTool('rclone', () => probeCommand('rclone', ['version']).problem) &&
  requireTool('age', () => probeCommand('age', ['--version']).problem) &&
  requireTool('s3rver', s3rverProblem);

const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

describe.skipIf(!ready)('off-site backup copies (real rclone, real s3rver, real PostgreSQL)', () => {
  let pg: PostgresServer;
  let s3: S3Server;
  let hook: WebhookReceiver;
  let dir: string;
  let offsite: string;
  let key: string;
  let recipient: string;

  // AWS_CA_BUNDLE set, as on many hosts: Debian's rclone 1.60 cannot build an S3 client with it, so opsctl hands rclone the bundle as RCLONE_CA_CERT instead.
  const env = (extra: Record<string, string> = {}) => cleanEnv({ DB_URL: pg.urlFor('shop'), S3_KEY_ID: S3_KEY.accessKeyId, S3_SECRET: S3_KEY.secretAccessKey, AWS_CA_BUNDLE: CA_BUNDLE, PM2_HOME: path.join(dir, 'no-pm2'), ...extra });
  const cli = (args: string[], extra: Record<string, string> = {}) => runCli([...args, '-e', 'production'], { cwd: dir, env: env(extra), timeoutMs: 120_000 });
  const localSets = () => readdirSync(path.join(dir, 'backups')).filter((n) => !n.startsWith('.')).sort();
  const remoteSetDir = (id: string) => path.join(offsite, 'production', id);
  const rows = async () => (await pg.psql('select count(*) from users', 'shop')).trim();

  const configure = (backup: Record<string, unknown>, health: Record<string, unknown> = {}) => writePostgresBackupConfig(dir, backup, { alerts: { webhook: hook.url('/hook') }, health: { host: false, ...health } });
  const local = () => ({ name: 'offsite', type: 'rclone', remote: offsite });
  const bucket = (retention?: object) => ({ name: 's3', type: 's3', endpoint: s3.endpoint, bucket: s3.bucket, prefix: 'shop', region: 'us-east-1', accessKeyId: '${S3_KEY_ID}', secretAccessKey: '${S3_SECRET}', ...(retention ? { retention } : {}) });

  beforeAll(async () => {
    await ensureBuilt();
    pg = await startPostgres();
    s3 = await startS3();
    hook = await startWebhookReceiver();
    await pg.createDatabase('shop');
    // Incompressible rows: the dump is big enough for a slowed upload to be caught half-way.
    await pg.psql(`create table users (id serial primary key, note text not null); insert into users (note) select md5(random()::text) || md5(random()::text) from generate_series(1, 30000) i;`, 'shop');
    dir = makeTempDir('backup-remote');
    offsite = makeTempDir('backup-offsite');
    key = path.join(makeTempDir('remote-age-key'), 'key.txt');
    await execa('age-keygen', ['-o', key]);
    recipient = (await execa('age-keygen', ['-y', key])).stdout.trim();
  }, 180_000);
  afterAll(async () => {
    await stopAllPostgres();
    await s3?.remove();
    await hook?.close();
    removeTempDirs();
  });

  it('uploads each new set to an rclone remote, manifest last, and lists where copies are', async () => {
    configure({ remotes: [local()] });
    const done = await cli(['backup', '--json']);
    expect(done.exitCode, done.stderr).toBe(0);
    const [id] = localSets();
    expect(readdirSync(remoteSetDir(id!)).sort()).toEqual(['README.txt', 'SHA256SUMS', 'main.pgdump', 'manifest.json']);
    const sums = await execa('sha256sum', ['-c', 'SHA256SUMS'], { cwd: remoteSetDir(id!) });
    expect(sums.stdout).toContain('main.pgdump: OK');

    const remote = parseJson((await cli(['backup', 'list', '--remote', '--json'])).stdout);
    expect(remote.remotes[0].remote).toBe('offsite');
    expect(remote.remotes[0].sets.map((s: { id: string }) => s.id)).toEqual([id]);
    const listed = parseJson((await cli(['backup', 'list', '--json'])).stdout);
    expect(listed.sets[0].copies).toEqual(['local', 'offsite']);
  }, 120_000);

  it('an upload interrupted half-way leaves no complete-looking remote set; backup upload completes it', async () => {
    // rclone takes any flag from RCLONE_<FLAG>: a slow link keeps the part in flight long enough to interrupt.
    const run = startCli(['backup', '-e', 'production'], { cwd: dir, env: env({ RCLONE_BWLIMIT: '150k' }), timeoutMs: 120_000 });
    const before = new Set(localSets());
    const id = await waitFor('a part on its way to the remote', () => {
      const fresh = localSets().find((s) => !before.has(s));
      return fresh && existsSync(remoteSetDir(fresh)) && readdirSync(remoteSetDir(fresh)).some((n) => n.startsWith('main.pgdump')) && fresh;
    }, 60_000, 20);
    run.kill('SIGINT');
    const interrupted = await run;
    expect(interrupted.exitCode, String(interrupted.stderr)).toBe(130);
    expect(localSets()).toContain(id);
    expect(readdirSync(remoteSetDir(id))).not.toContain('manifest.json');
    const half = parseJson((await cli(['backup', 'list', '--remote', '--json'])).stdout);
    expect(half.remotes[0].sets.map((s: { id: string }) => s.id)).not.toContain(id);
    expect(half.remotes[0].incomplete.map((s: { id: string }) => s.id)).toEqual([id]);

    const resumed = await cli(['backup', 'upload', '--json']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(parseJson(resumed.stdout).uploads[0].uploaded).toEqual([id]);
    expect((await execa('sha256sum', ['-c', 'SHA256SUMS'], { cwd: remoteSetDir(id) })).exitCode).toBe(0);
    const whole = parseJson((await cli(['backup', 'list', '--remote', '--json'])).stdout);
    expect(whole.remotes[0].sets.map((s: { id: string }) => s.id)).toContain(id);
    expect(whole.remotes[0].incomplete).toEqual([]);
  }, 180_000);

  it('health.backups.maxAge: a set older than maxAge, locally and on the remote, is degraded (exit 3)', async () => {
    configure({ remotes: [local()] }, { backups: { maxAge: '1h' } });
    const fresh = await cli(['health-check', '--json']);
    expect(fresh.exitCode, fresh.stdout).toBe(0);
    expect(parseJson(fresh.stdout).probes.map((p: { name: string; state: string }) => `${p.name} ${p.state}`).sort()).toEqual(['backup:local healthy', 'backup:offsite healthy']);
    configure({ remotes: [local()] }, { backups: { maxAge: '1s' } });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stale = await cli(['health-check', '--json']);
    expect(stale.exitCode, stale.stdout).toBe(3);
    const probes = parseJson(stale.stdout).probes as { name: string; state: string; reason: string }[];
    expect(probes.map((p) => `${p.name} ${p.state}`).sort()).toEqual(['backup:local degraded', 'backup:offsite degraded']);
    expect(probes[0]!.reason).toMatch(/newest set is .* old, over 1s/);
  }, 120_000);

  it('a remote that is down: the local set stays, exit 1, the failure alerts, and the next run uploads what is missing', async () => {
    configure({ remotes: [bucket()] });
    await s3.stop();
    const alertsBefore = hook.alerts().length;
    const failed = await cli(['backup']).finally(() => s3.start());
    expect(failed.exitCode, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/Upload to s3 failed: .*The local sets in .* are intact/);
    expect(failed.stderr).toContain('opsctl backup upload');
    const alerts = await hook.waitForAlerts(alertsBefore + 1);
    expect(alerts.at(-1)).toMatch(/backup failed: Upload to s3 failed/);
    const newest = localSets().at(-1)!;
    expect((await cli(['backup', 'verify', newest])).exitCode).toBe(0);

    const again = await cli(['backup', '--json']);
    expect(again.exitCode, again.stderr).toBe(0);
    const listed = parseJson((await cli(['backup', 'list', '--remote', 's3', '--json'])).stdout);
    const there = listed.remotes[0].sets.map((s: { id: string }) => s.id);
    expect(there).toContain(newest);
    expect(there).toContain(localSets().at(-1));
  }, 180_000);

  it('encrypted: shipped to S3, the local copy lost, restored from the remote with the identity into PostgreSQL', async () => {
    configure({ remotes: [bucket({ daily: 1 })], encrypt: { recipients: [recipient] } });
    const done = await cli(['backup', '--json']);
    expect(done.exitCode, done.stderr).toBe(0);
    const id = parseJson(done.stdout).set.id as string;
    rmSync(path.join(dir, 'backups'), { recursive: true, force: true });
    await pg.psql('delete from users where id > 100', 'shop');
    expect(await rows()).toBe('100');

    const noKey = await cli(['restore', 'latest', '--from', 's3', '--yes']);
    expect(noKey.exitCode, noKey.stderr).toBe(1);
    expect(await rows()).toBe('100');
    const restored = await cli(['restore', 'latest', '--from', 's3', '--identity', key, '--yes', '--json']);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(parseJson(restored.stdout).id).toBe(id);
    expect(await rows()).toBe('30000');
    // The download folder is gone; the safety set of the state before is local.
    expect(readdirSync(path.join(dir, 'backups')).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(localSets()).toHaveLength(1);

    const pulled = await cli(['backup', 'pull', id, '--json']);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(localSets()).toContain(id);
  }, 180_000);

  it('backup prune --remote applies the remote retention, not the local one', async () => {
    const before = parseJson((await cli(['backup', 'list', '--remote', 's3', '--json'])).stdout).remotes[0].sets as { id: string }[];
    expect(before.length).toBeGreaterThan(1);
    const dry = await cli(['backup', 'prune', '--remote', '--dry-run', '--json']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(parseJson(dry.stdout).remotes[0].plan.remove).toHaveLength(before.length - 1);
    const pruned = await cli(['backup', 'prune', '--remote', 's3', '--json']);
    expect(pruned.exitCode, pruned.stderr).toBe(0);
    const after = parseJson((await cli(['backup', 'list', '--remote', 's3', '--json'])).stdout).remotes[0].sets as { id: string }[];
    expect(after.map((s) => s.id)).toEqual([before[0]!.id]);
    expect(localSets().length).toBeGreaterThan(1);
  }, 120_000);
});

/**
 * --dry-run changes nothing, checked against the world rather than opsctl's words: after a real deploy
 * and a real backup, every changing command runs with --dry-run and the sandbox (project, state folder,
 * backups, HOME, TMPDIR) must be byte-for-byte as it was, the pm2 processes the same pids, and the
 * webhook must have received nothing.
 */
import { lstatSync, mkdirSync, readdirSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, makeTempDir, parseJson, removeTempDirs, runCli, uniqueSuffix, writeConfig } from '../support/real-cli.js';
import { freePort, jlist, killPm2, makeReleaseRepo, pathWithPm2, type ReleaseRepo } from '../support/real-pm2.js';
import { requireTools } from '../support/real-tools.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const available = requireTools('pm2', 'git', 'posix-signals');

/** Every entry under root: type, size, mode, mtime and link target, so any write, removal or link switch shows. */
function snapshot(root: string, skip: readonly string[]): Map<string, string> {
  const seen = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (skip.includes(full)) continue;
      const st = lstatSync(full);
      const kind = st.isSymbolicLink() ? `link->${readlinkSync(full)}` : st.isDirectory() ? 'dir' : `file:${st.size}`;
      seen.set(path.relative(root, full), `${kind} mode=${st.mode.toString(8)} mtime=${st.mtimeMs}`);
      if (st.isDirectory()) walk(full);
    }
  };
  walk(root);
  return seen;
}

function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [entry, was] of before) if (after.get(entry) !== was) out.push(`${entry}: ${was} -> ${after.get(entry) ?? 'removed'}`);
  for (const [entry, now] of after) if (!before.has(entry)) out.push(`${entry}: new ${now}`);
  return out;
}

describe.skipIf(!available)('--dry-run leaves the world as it was (real pm2, git, files, webhook)', () => {
  let root: string;
  let app: string;
  let pm2Home: string;
  let repo: ReleaseRepo;
  let receiver: WebhookReceiver;
  let env: Record<string, string | undefined>;
  let setId: string;
  const name = `dry-${uniqueSuffix()}`;
  const cli = (args: string[], cwd = app) => runCli([...args, '-e', 'prod'], { cwd, env, timeoutMs: 120_000 });

  beforeAll(async () => {
    root = makeTempDir('dry-world');
    pm2Home = path.join(root, 'pm2');
    for (const dir of ['home', 'tmp', 'pm2', 'repo']) mkdirSync(path.join(root, dir));
    repo = await makeReleaseRepo(path.join(root, 'repo'), name);
    app = path.join(repo.repo, 'app');
    receiver = await startWebhookReceiver();
    const port = await freePort();
    const deadPort = await freePort();
    writeConfig(app, {
      version: 1,
      app: 'demo',
      environments: {
        prod: {
          source: { repo: '..', ref: 'main' },
          target: { pm2: { name, script: 'server.cjs', instances: 1, env: { PORT: String(port) } } },
          deploy: { gate: { passes: 2, interval: '300ms', settle: '1s', timeout: '30s' } },
          health: { endpoints: [{ name: 'web', url: `http://127.0.0.1:${port}/` }], host: false },
          backup: { dir: 'backups', files: ['data/'], retention: { daily: 0, maxAgeDays: 1 } },
          cleanup: { temp: [{ path: 'scratch', maxAgeDays: 1 }], backups: true },
          logs: { files: ['app.log'] },
          alerts: { webhook: receiver.url('/hook') },
        },
        // monitor's probe is down here, so a real monitor round would alert.
        down: { target: { pm2: { name: `${name}-none`, script: 'server.cjs' } }, health: { endpoints: [{ name: 'gone', url: `http://127.0.0.1:${deadPort}/` }], host: false }, alerts: { webhook: receiver.url('/hook') } },
      },
    });
    mkdirSync(path.join(app, 'data'));
    writeFileSync(path.join(app, 'data', 'a.txt'), 'a\n');
    writeFileSync(path.join(app, 'app.log'), '{"level":50,"time":1,"msg":"boom"}\n');
    mkdirSync(path.join(app, 'scratch'));
    const old = path.join(app, 'scratch', 'old.tmp');
    writeFileSync(old, 'old\n');
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    utimesSync(old, tenDaysAgo, tenDaysAgo);
    env = cleanEnv({ HOME: path.join(root, 'home'), TMPDIR: path.join(root, 'tmp'), PM2_HOME: pm2Home, PATH: pathWithPm2() });
    // The state a dry run must leave alone: two real deploys (so there is something to roll back to) and a backup set.
    for (const sha of [repo.shas[0]!, repo.shas[1]!]) {
      const deployed = await cli(['deploy', '--ref', sha, '--json']);
      expect(deployed.exitCode, deployed.stderr).toBe(0);
    }
    const backup = await cli(['backup', '--json']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    setId = parseJson<{ set: { id: string } }>(backup.stdout).set.id;
  }, 300_000);

  afterAll(async () => {
    await receiver?.close();
    if (pm2Home) await killPm2(pm2Home);
    removeTempDirs();
  });

  const cases: [string, string[], string?][] = [
    ['deploy', ['deploy', '--ref', 'HEAD~2']],
    ['rollback', ['rollback', '--yes']],
    ['scale', ['scale', '2']],
    ['backup', ['backup']],
    ['backup prune', ['backup', 'prune', '--yes']],
    ['restore', ['restore', '<set>', '--yes']],
    ['cleanup', ['cleanup', '--yes']],
    ['lock release --force', ['lock', 'release', '--force']],
    ['monitor --once (a probe is down)', ['monitor', '--once'], 'down'],
  ];

  it.each(cases)('%s --dry-run: no file, link, process or webhook changes', async (_label, args, environment) => {
    const skip = [pm2Home];
    const before = snapshot(root, skip);
    const pids = (await jlist(pm2Home)).map((p) => `${p.name}:${p.pid}`).sort();
    const argv = args.map((arg) => (arg === '<set>' ? setId : arg));
    const result = await runCli([...argv, '--dry-run', '-e', environment ?? 'prod'], { cwd: app, env, timeoutMs: 120_000 });
    expect([0, 1, 3], `${result.stdout}\n${result.stderr}`).toContain(result.exitCode);
    expect(differences(before, snapshot(root, skip))).toEqual([]);
    expect((await jlist(pm2Home)).map((p) => `${p.name}:${p.pid}`).sort()).toEqual(pids);
    expect(receiver.requests()).toEqual([]);
  }, 150_000);

  it('init --dry-run in a new app folder writes nothing', async () => {
    const fresh = path.join(root, 'fresh');
    mkdirSync(fresh);
    writeFileSync(path.join(fresh, 'package.json'), JSON.stringify({ name: 'fresh', scripts: { start: 'node server.js' } }));
    const before = snapshot(root, [pm2Home]);
    const result = await runCli(['init', '--dry-run'], { cwd: fresh, env, timeoutMs: 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(differences(before, snapshot(root, [pm2Home]))).toEqual([]);
  }, 60_000);
});

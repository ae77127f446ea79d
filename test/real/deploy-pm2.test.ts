/**
 * The pm2 deploy driver against a real pm2 daemon (own PM2_HOME) and release folders made as real git
 * worktrees, driven directly with the real runner (the orchestrator's `opsctl deploy` is tested end to end
 * where it lives).
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pm2Target } from '../../src/config/schema.js';
import { environmentSchema } from '../../src/config/schema.js';
import { createPm2Driver } from '../../src/deploy/drivers/pm2.js';
import type { DeployDriver, PreparedRelease } from '../../src/deploy/types.js';
import { UsageError } from '../../src/errors.js';
import type { Logger } from '../../src/output/logger.js';
import { createRunner } from '../../src/process/runner.js';
import { makeTempDir, removeTempDirs, uniqueSuffix, waitFor } from '../support/real-cli.js';
import { daemonPid, freePort, getOnce, getServed, jlist, killPm2, makeReleaseRepo, pathWithPm2, type ReleaseRepo, type ServedBody } from '../support/real-pm2.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('pm2', 'git');

describe.skipIf(!available)('pm2 deploy driver: real pm2, releases as git worktrees behind the current link', () => {
  const base = `opsctl-deploy-${uniqueSuffix()}`;
  let dir: string;
  let home: string;
  let releasesDir: string;
  let repo: ReleaseRepo;
  const seenPids = new Set<number>();

  beforeAll(async () => {
    dir = makeTempDir('deploy-pm2');
    home = path.join(dir, 'pm2-home');
    releasesDir = path.join(dir, 'state', 'releases', 'prod');
    repo = await makeReleaseRepo(path.join(dir, 'repo'), `${base}-eco`);
    // execa finds pm2 through this process's PATH; the runner looks it up in the env it is given.
    process.env.PATH = pathWithPm2();
  });

  afterAll(async () => {
    if (home) {
      for (const p of await jlist(home).catch(() => [])) seenPids.add(p.pid);
      await killPm2(home, [...seenPids].filter((pid) => pid > 0));
    }
    removeTempDirs();
  });

  async function prepare(version: 1 | 2 | 3, into = releasesDir): Promise<PreparedRelease> {
    const sha = repo.shas[version - 1]!;
    const root = path.join(into, sha.slice(0, 12));
    if (!existsSync(root)) await execa('git', ['-C', repo.repo, 'worktree', 'add', '-q', '--detach', root, sha]);
    return { sha, shortSha: sha.slice(0, 7), root, dir: path.join(root, 'app') };
  }

  function setup(target: Pm2Target, options: { dryRun?: boolean; pm2Home?: string; releases?: string } = {}) {
    const lines: string[] = [];
    const env = { ...process.env, PATH: pathWithPm2(), PM2_HOME: options.pm2Home ?? home };
    const runner = createRunner({ dryRun: Boolean(options.dryRun), verbose: true, signal: new AbortController().signal, log: (l) => lines.push(l), env });
    const config = environmentSchema.parse({ target: { pm2: target }, deploy: { gate: { timeout: '60s' } } });
    const log = recordingLogger(lines);
    const environment = { name: 'prod', config, app: 'demo', dir: path.join(repo.repo, 'app'), envFile: '', stateDir: path.join(dir, 'state') };
    const driver = createPm2Driver(config.target.pm2!, { runner, env, log, environment, releasesDir: options.releases ?? releasesDir, now: Date.now });
    return { driver, lines };
  }

  /** activate, then what the health gate waits for: every instance up on the release. */
  async function deployed(driver: DeployDriver, version: 1 | 2 | 3): Promise<PreparedRelease> {
    const release = await prepare(version);
    await driver.activate(release, new AbortController().signal);
    await ready(driver, release);
    return release;
  }

  async function ready(driver: DeployDriver, release: PreparedRelease): Promise<void> {
    await waitFor(`${driver.name} ready on ${release.shortSha}`, async () => (await driver.sample(release)).ready, 60_000, 500);
  }

  async function servedMany(port: number, count: number): Promise<ServedBody[]> {
    const bodies: ServedBody[] = [];
    for (let i = 0; i < count; i += 1) bodies.push(await getServed(port));
    for (const body of bodies) seenPids.add(body.pid);
    return bodies;
  }

  it('script, cluster of 2: first start serves v1; switch + reload serves v2 from every worker with no failed request; env reaches the app, not argv', async () => {
    const port = await freePort();
    const { driver, lines } = setup({ name: `${base}-scr`, script: 'server.cjs', instances: 2, env: { PORT: String(port), GREETING: 'hello-secret-xyz' } });
    expect(await driver.preflight()).toEqual([]);
    expect(await driver.replicas()).toBeUndefined();
    const v1 = await prepare(1);
    expect(await driver.verifyBuilt(v1)).toEqual([]);
    await driver.activate(v1, new AbortController().signal);
    await ready(driver, v1);
    expect(realpathSync(path.join(releasesDir, 'current'))).toBe(realpathSync(v1.root));
    const first = await servedMany(port, 6);
    for (const body of first) expect(body).toMatchObject({ version: 'v1', fromCwd: 'v1', release: v1.sha, greeting: 'hello-secret-xyz' });
    expect(await driver.replicas()).toBe(2);

    const v2 = await prepare(2);
    const failures: string[] = [];
    let requests = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        requests += 1;
        await getOnce(port).catch((error: Error) => failures.push(error.message));
      }
    })();
    await driver.activate(v2, new AbortController().signal);
    await ready(driver, v2);
    stop = true;
    await load;
    expect(requests).toBeGreaterThan(20);
    expect(failures).toEqual([]);
    const after = await servedMany(port, 10);
    for (const body of after) expect(body).toMatchObject({ version: 'v2', fromCwd: 'v2', release: v2.sha, greeting: 'hello-secret-xyz' });
    expect(new Set(after.map((b) => b.pid)).size).toBe(2);
    const stale = await driver.sample(v1);
    expect(stale.ready).toBe(false);
    expect(stale.problems.join(' ')).toMatch(/do not run release|current link/);
    expect(lines.some((l) => l.startsWith('$ pm2 start') && l.includes('-i 2'))).toBe(true);
    expect(lines).toContain(`$ pm2 reload ${base}-scr --update-env`);
    expect(lines.join('\n')).not.toContain('hello-secret-xyz');
  }, 120_000);

  it('a crash-looping release never passes a sample twice alike; activating the previous release serves it again', async () => {
    const port = await freePort();
    const { driver } = setup({ name: `${base}-bad`, script: 'server.cjs', instances: 2, env: { PORT: String(port) } });
    const v2 = await deployed(driver, 2);
    const v3 = await prepare(3);
    await driver.activate(v3, new AbortController().signal);
    const samples = [];
    for (let i = 0; i < 8; i += 1) {
      samples.push(await driver.sample(v3));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // pm2 may say "online" between crashes: the fingerprint (pid, restarts) is what changes.
    expect(new Set(samples.map((s) => s.fingerprint)).size).toBeGreaterThan(1);
    expect(samples.flatMap((s) => s.problems).join(' ')).toMatch(/restarted \d+ times? since the switch|errored|online/);
    await deployed(driver, 2);
    for (const body of await servedMany(port, 6)) expect(body).toMatchObject({ version: 'v2', release: v2.sha });
  }, 120_000);

  it('scale 3 then 1 waits until pm2 runs that many online instances; 0 is a usage error', async () => {
    const port = await freePort();
    const { driver } = setup({ name: `${base}-scale`, script: 'server.cjs', instances: 2, env: { PORT: String(port) } });
    const v1 = await deployed(driver, 1);
    await driver.scale(3, new AbortController().signal);
    const three = (await jlist(home)).filter((p) => p.name === `${base}-scale`);
    expect(three.map((p) => p.pm2_env.status)).toEqual(['online', 'online', 'online']);
    expect(await driver.replicas()).toBe(3);
    expect((await driver.sample(v1)).ready).toBe(true);
    await driver.scale(1, new AbortController().signal);
    expect(await driver.replicas()).toBe(1);
    expect((await getServed(port)).version).toBe('v1');
    await expect(driver.scale(0, new AbortController().signal)).rejects.toBeInstanceOf(UsageError);
  }, 120_000);

  it('ecosystem with cwd: __dirname: after switch + reload the workers run v2 (the generated process file points through the link)', async () => {
    const port = await freePort();
    const { driver, lines } = setup({ name: `${base}-eco`, ecosystem: 'ecosystem.config.cjs', instances: 2, env: { PORT: String(port) } });
    const v1 = await prepare(1);
    expect(await driver.verifyBuilt(v1)).toEqual([]);
    await driver.activate(v1, new AbortController().signal);
    await ready(driver, v1);
    for (const body of await servedMany(port, 4)) expect(body).toMatchObject({ version: 'v1', fromCwd: 'v1', eco: 'from-ecosystem' });
    const v2 = await deployed(driver, 2);
    for (const body of await servedMany(port, 8)) expect(body).toMatchObject({ version: 'v2', fromCwd: 'v2', release: v2.sha, eco: 'from-ecosystem' });
    const pm2Paths = (await jlist(home)).filter((p) => p.name === `${base}-eco`).map((p) => (p.pm2_env as { pm_cwd?: string }).pm_cwd);
    expect(pm2Paths).toEqual([path.join(releasesDir, 'current', 'app'), path.join(releasesDir, 'current', 'app')]);
    expect(lines.some((l) => l.includes(`pm2 reload ${path.join(releasesDir, 'pm2-process.json')} --only ${base}-eco --update-env`))).toBe(true);
  }, 120_000);

  it('a single fork-mode instance says it restarts with a short gap, and serves v2 after', async () => {
    const port = await freePort();
    const { driver, lines } = setup({ name: `${base}-fork`, script: 'server.cjs', instances: 1, env: { PORT: String(port) } });
    await deployed(driver, 1);
    await deployed(driver, 2);
    expect(lines.join('\n')).toMatch(/single fork-mode instance: pm2 restarts it, with a short gap/);
    expect((await getServed(port)).version).toBe('v2');
  }, 120_000);

  it('--dry-run and preflight change nothing: no daemon, no link, no process file; the plan is printed', async () => {
    const emptyHome = makeTempDir('pm2-dry');
    const releases = path.join(makeTempDir('releases-dry'), 'prod');
    const { driver, lines } = setup({ name: `${base}-eco`, ecosystem: 'ecosystem.config.cjs', instances: 2, env: { PORT: '1' } }, { dryRun: true, pm2Home: emptyHome, releases });
    expect(await driver.preflight()).toEqual([]);
    const v1 = await prepare(1, releases);
    const before = readdirSync(releases).sort();
    await driver.activate(v1, new AbortController().signal);
    expect(lines.some((l) => l.startsWith('would run: pm2 start') && l.includes(path.join(releases, 'pm2-process.json')))).toBe(true);
    expect(lines.some((l) => l.startsWith(`would link ${path.join(releases, 'current')} -> ${v1.root}`))).toBe(true);
    expect(readdirSync(releases).sort()).toEqual(before);
    expect(readdirSync(emptyHome)).toEqual([]);
    expect(daemonPid(emptyHome)).toBeUndefined();
  }, 60_000);
});

function recordingLogger(lines: string[]): Logger {
  const push = (message: string) => void lines.push(message);
  return { info: push, warn: push, error: push, debug: push, plan: push, notice: push, step: (m) => (push(m), { done: () => undefined, fail: () => undefined }) };
}

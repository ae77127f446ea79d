/**
 * The pm2 deploy driver against a real pm2 daemon (own PM2_HOME) and release folders made as real git
 * worktrees, driven directly with the real runner (the orchestrator's `opsctl deploy` is tested end to end
 * where it lives).
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pm2Target } from '../../src/config/schema.js';
import { environmentSchema } from '../../src/config/schema.js';
import { createPm2Driver } from '../../src/targets/pm2/driver.js';
import type { DeployDriver, PreparedRelease } from '../../src/deploy/types.js';
import { UsageError } from '../../src/errors.js';
import type { Logger } from '../../src/output/logger.js';
import { createEffects } from '../../src/process/effects.js';
import { createRunner } from '../../src/process/runner.js';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, REPO_ROOT, removeTempDirs, runCli, startCli, uniqueSuffix, waitFor, writeConfig } from '../support/real-cli.js';
import { daemonPid, freePort, getOnce, getServed, jlist, killPm2, makeReleaseRepo, pathWithPm2, pm2, startLoad, type ReleaseRepo, type ServedBody } from '../support/real-pm2.js';
import { PM2_BIN, requireTool, requireTools } from '../support/real-tools.js';

const EXAMPLE_SERVER = path.join(REPO_ROOT, 'examples', 'hello-api', 'server.mjs');

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
    const driver = createPm2Driver(config.target.pm2!, { runner, effects: createEffects({ dryRun: runner.dryRun, log: (l) => lines.push(l) }), env, log, environment, releasesDir: options.releases ?? releasesDir, now: Date.now });
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

  /**
   * A sample says pm2 runs the instances on the release, not that they listen yet (in a deploy the gate's HTTP
   * probes wait for that): wait for the port to answer. pm2's list comes from its socket in milliseconds now.
   */
  async function listening(port: number): Promise<void> {
    await waitFor(`port ${port} answering`, () => getServed(port).then(() => true, () => false), 30_000, 100);
  }

  async function servedMany(port: number, count: number): Promise<ServedBody[]> {
    await listening(port);
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
    const load = startLoad(port);
    await driver.activate(v2, new AbortController().signal);
    await ready(driver, v2);
    const { requests, failures } = await load.stop();
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
    // Every app inherits the daemon's environment: the daemon was started without this app's variables.
    if (process.platform === 'linux') expect(readFileSync(`/proc/${daemonPid(home)}/environ`, 'utf8')).not.toContain('hello-secret-xyz');
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
    await driver.scale(1, new AbortController().signal);
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
    await listening(port);
    expect((await getServed(port)).version).toBe('v2');
  }, 120_000);

  it('a changed instances count applies at the next deploy: fork -> cluster starts again, 2 -> 3 reloads then scales', async () => {
    const port = await freePort();
    const target = (instances: number) => ({ name: `${base}-count`, script: 'server.cjs', instances, env: { PORT: String(port) } });
    await deployed(setup(target(1)).driver, 1);
    const cluster = setup(target(2));
    await deployed(cluster.driver, 2);
    expect(cluster.lines.join('\n')).toMatch(/deleted and started again .*fork_mode and the config asks for cluster mode/);
    const running = (await jlist(home)).filter((p) => p.name === `${base}-count`);
    expect(running.map((p) => p.pm2_env.exec_mode)).toEqual(['cluster_mode', 'cluster_mode']);
    const three = setup(target(3));
    await deployed(three.driver, 1);
    expect(three.lines).toContain(`$ pm2 scale ${base}-count 3`);
    expect(await three.driver.replicas()).toBe(3);
    for (const body of await servedMany(port, 6)) expect(body.version).toBe('v1');
  }, 120_000);

  it('scale 2 of a fork-mode app on a fixed port fails with the instances\' state: the new one crash-loops (EADDRINUSE) after being online once', async () => {
    const port = await freePort();
    const { driver } = setup({ name: `${base}-fixed`, script: 'server.cjs', instances: 1, env: { PORT: String(port) } });
    await deployed(driver, 1);
    const error = await driver.scale(2, new AbortController().signal).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(new RegExp(`^2 instances of ${base}-fixed do not stay up: .*instance \\d+ (online|errored|launching|waiting restart) \\(pid \\d+, [1-9]\\d* restarts\\)`));
    expect((await getServed(port)).version).toBe('v1');
    await pm2(home, ['delete', `${base}-fixed`]);
  }, 120_000);

  it('examples/hello-api/server.mjs: a cluster reload under a steady stream of requests loses none (graceful stop)', async () => {
    const port = await freePort();
    const name = `${base}-hello`;
    await execa(process.execPath, [PM2_BIN, 'start', EXAMPLE_SERVER, '--name', name, '-i', '2'], { env: cleanEnv({ PM2_HOME: home, PORT: String(port) }), extendEnv: false });
    await waitFor('the example answering', () => getOnce(port, '/api/live').then(() => true, () => false), 60_000, 250);
    for (let round = 0; round < 3; round += 1) {
      const load = startLoad(port, '/api/live');
      await pm2(home, ['reload', name]);
      const { requests, failures } = await load.stop();
      expect(requests).toBeGreaterThan(10);
      expect(failures).toEqual([]);
    }
    await pm2(home, ['delete', name]);
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
    expect(lines.some((l) => l.startsWith(`would point ${path.join(releases, 'current')} at ${v1.root}`))).toBe(true);
    expect(readdirSync(releases).sort()).toEqual(before);
    expect(readdirSync(emptyHome)).toEqual([]);
    expect(daemonPid(emptyHome)).toBeUndefined();
  }, 60_000);
});

function recordingLogger(lines: string[]): Logger {
  const push = (message: string) => void lines.push(message);
  return { info: push, warn: push, error: push, debug: push, plan: push, notice: push, step: (m) => (push(m), { done: () => undefined, fail: () => undefined }) };
}

describe.skipIf(!available)('opsctl deploy / rollback / scale on a pm2 target (built CLI, real pm2, real git)', () => {
  const name = `opsctl-e2e-${uniqueSuffix()}`;
  let dir: string;
  let home: string;
  let app: string;
  let port: number;
  let repo: ReleaseRepo;
  const v1 = () => repo.shas[0]!;
  const v2 = () => repo.shas[1]!;
  const v3 = () => repo.shas[2]!;
  const pids = new Set<number>();

  const env = (extra: Record<string, string> = {}) => cleanEnv({ PM2_HOME: home, PATH: pathWithPm2(), ...extra });
  const cli = (args: string[], extra?: Record<string, string>) => runCli([...args, '-e', 'prod'], { cwd: app, env: env(extra), timeoutMs: 120_000 });
  const served = async () => {
    const body = await getOnce(port);
    pids.add(body.pid);
    return body.version;
  };

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('deploy-pm2-e2e');
    home = path.join(dir, 'pm2-home');
    repo = await makeReleaseRepo(path.join(dir, 'repo'), `${name}-eco`);
    app = path.join(repo.repo, 'app');
    port = await freePort();
    writeConfig(app, e2eConfig(name, port, path.join(dir, 'state'), path.join(dir, 'state-dry')));
  });

  afterAll(async () => {
    if (home) {
      for (const p of await jlist(home).catch(() => [])) pids.add(p.pid);
      await killPm2(home, [...pids].filter((pid) => pid > 0));
    }
    removeTempDirs();
  });

  it('first deploy: the app runs v1 under pm2, history has the deploy, status shows it', async () => {
    const result = await cli(['deploy', '--ref', v1(), '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ operation: 'deploy', outcome: 'deployed', running: v1() });
    expect(await served()).toBe('v1');
    const history = parseJson((await cli(['history', '--json'])).stdout);
    expect(history.entries[0]).toMatchObject({ type: 'deploy', result: 'success', details: { release: v1(), verdict: 'good' } });
    const status = parseJson((await cli(['status', '--json'])).stdout);
    expect(status.deployed).toMatchObject({ sha: v1() });
    expect(status.target.instances.map((i: { state: string }) => i.state)).toEqual(['online', 'online']);
  }, 120_000);

  it('upgrade to v2 in cluster mode under a steady stream of requests: zero failed requests', async () => {
    const load = startLoad(port);
    const result = await cli(['deploy', '--ref', v2(), '--json']);
    const { requests, failures } = await load.stop();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ outcome: 'deployed', previous: v1(), running: v2() });
    expect(requests).toBeGreaterThan(20);
    expect(failures).toEqual([]);
    expect(await served()).toBe('v2');
  }, 120_000);

  it('a crash-looping release is rolled back by itself, marked bad, refused without --force and tried with it', async () => {
    const result = await cli(['deploy', '--ref', v3(), '--json']);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(parseJson(result.stdout)).toMatchObject({ outcome: 'rolled-back', running: v2(), rollback: { to: v2(), ok: true } });
    expect(await served()).toBe('v2');
    const history = parseJson((await cli(['history', '--json'])).stdout);
    expect(history.entries[0]).toMatchObject({ type: 'deploy', result: 'rolled-back', details: { release: v3(), verdict: 'bad' } });
    const refused = await cli(['deploy', '--ref', v3(), '--json']);
    expect(refused.exitCode).toBe(2);
    expect(parseJson(refused.stdout).error.message).toMatch(/marked bad/);
    const forced = await cli(['deploy', '--ref', v3(), '--force', '--json']);
    expect(forced.exitCode, forced.stderr).toBe(1);
    expect(parseJson(forced.stdout)).toMatchObject({ outcome: 'rolled-back', running: v2() });
    expect(await served()).toBe('v2');
  }, 180_000);

  it('rollback goes back to the last good release; rollback --to goes to the one named', async () => {
    const back = await cli(['rollback', '--json']);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(parseJson(back.stdout)).toMatchObject({ operation: 'rollback', running: v1() });
    expect(await served()).toBe('v1');
    const to = await cli(['rollback', '--to', v2().slice(0, 7), '--json']);
    expect(to.exitCode, to.stderr).toBe(0);
    expect(parseJson(to.stdout)).toMatchObject({ running: v2() });
    expect(await served()).toBe('v2');
  }, 120_000);

  it('two deploys at once: one runs, the other exits 4 (locked)', async () => {
    const both = await Promise.all([cli(['deploy', '--ref', v1(), '--json']), cli(['deploy', '--ref', v1(), '--json'])]);
    expect(both.map((r) => r.exitCode).sort()).toEqual([0, 4]);
    expect(await served()).toBe('v1');
  }, 120_000);

  it.skipIf(!requireTool('posix-signals'))('Ctrl-C during the build leaves no lock and the old release serving', async () => {
    const child = startCli(['deploy', '--ref', v2(), '-e', 'prod'], { cwd: app, env: env({ SLOW_BUILD_MS: '30000' }), timeoutMs: 120_000 });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor('the build step', () => /build/.test(stderr), 60_000, 100);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, stderr).toBe(130);
    const lock = parseJson((await cli(['lock', 'status', '--json'])).stdout);
    expect(lock.lock).toBeNull();
    expect(await served()).toBe('v1');
  }, 120_000);

  it('scale 3 then scale 1', async () => {
    const up = await cli(['scale', '3', '--json']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(parseJson(up.stdout)).toMatchObject({ from: 2, to: 3 });
    expect((await jlist(home)).filter((p) => p.name === name).map((p) => p.pm2_env.status)).toEqual(['online', 'online', 'online']);
    const down = await cli(['scale', '1', '--json']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect((await jlist(home)).filter((p) => p.name === name)).toHaveLength(1);
    expect(await served()).toBe('v1');
  }, 120_000);

  it('--dry-run changes nothing: no pm2 daemon or process, no release folder, no worktree, no history entry', async () => {
    const dryHome = makeTempDir('pm2-e2e-dry');
    const worktreesBefore = (await execa('git', ['-C', repo.repo, 'worktree', 'list'])).stdout;
    const result = await runCli(['deploy', '--ref', v2(), '--dry-run', '-e', 'dry', '--json'], { cwd: app, env: cleanEnv({ PM2_HOME: dryHome, PATH: pathWithPm2() }), timeoutMs: 120_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ outcome: 'planned', dryRun: true });
    expect(result.stderr).toMatch(/would run: pm2 start/);
    expect(readdirSync(dryHome)).toEqual([]);
    expect(existsSync(path.join(dir, 'state-dry'))).toBe(false);
    expect((await execa('git', ['-C', repo.repo, 'worktree', 'list'])).stdout).toBe(worktreesBefore);
  }, 120_000);
  it('--dry-run of a never-deployed release with an ecosystem config: planned from the working copy\'s file, exit 0, nothing changed', async () => {
    const dryHome = makeTempDir('pm2-e2e-dry-eco');
    const worktreesBefore = (await execa('git', ['-C', repo.repo, 'worktree', 'list'])).stdout;
    const result = await runCli(['deploy', '--ref', v1(), '--dry-run', '-e', 'dry-eco', '--json'], { cwd: app, env: cleanEnv({ PM2_HOME: dryHome, PATH: pathWithPm2() }), timeoutMs: 120_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ outcome: 'planned', dryRun: true, error: null });
    const releases = path.join(dir, 'state-dry-eco', 'releases', 'dry-eco');
    expect(result.stderr).toContain(`would run: pm2 start ${path.join(releases, 'pm2-process.json')} --only ${name}-eco`);
    expect(result.stderr).toContain(`planning from ${path.join(app, 'ecosystem.config.cjs')} in your working copy`);
    expect(readdirSync(dryHome)).toEqual([]);
    expect(existsSync(path.join(dir, 'state-dry-eco'))).toBe(false);
    expect((await execa('git', ['-C', repo.repo, 'worktree', 'list'])).stdout).toBe(worktreesBefore);
  }, 120_000);
});

/** prod deploys `name` (2 cluster instances) from the repo; dry is the same app under another name and state folder; dry-eco its ecosystem file. */
function e2eConfig(name: string, port: number, stateDir: string, dryStateDir: string): unknown {
  const environment = (appName: string, state: string) => ({
    stateDir: state,
    source: { repo: '..', ref: 'main', build: ['node -e "setTimeout(() => {}, Number(process.env.SLOW_BUILD_MS || 0))"'] },
    target: { pm2: { name: appName, script: 'server.cjs', instances: 2, env: { PORT: String(port) } } },
    deploy: { gate: { passes: 3, interval: '500ms', settle: '2s', timeout: '20s' } },
    health: { endpoints: [{ name: 'web', url: `http://127.0.0.1:${port}/` }] },
  });
  const ecosystem = { ...environment(`${name}-eco`, `${dryStateDir}-eco`), target: { pm2: { name: `${name}-eco`, ecosystem: 'ecosystem.config.cjs', instances: 2, env: { PORT: String(port) } } } };
  return { version: 1, app: 'demo', environments: { prod: environment(name, stateDir), dry: environment(`${name}-dry`, dryStateDir), 'dry-eco': ecosystem } };
}

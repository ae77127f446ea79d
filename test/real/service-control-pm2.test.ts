// Issue 14 parts 3 and 4 against the world: the built CLI, a real pm2 daemon (own PM2_HOME), real git
// release folders. restart/stop/start are checked by pids and served responses; status by what the
// instances' environments say; an interrupted deploy by what runs afterwards.
import { symlinkSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, startCli, uniqueSuffix, waitFor, writeConfig } from '../support/real-cli.js';
import { freePort, getOnce, jlist, killPm2, makeReleaseRepo, pathWithPm2, startLoad, type ReleaseRepo } from '../support/real-pm2.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('pm2', 'git', 'posix-signals');

interface Listed { pid: number; name: string; pm2_env: { status: string; env?: Record<string, string>; OPSCTL_RELEASE?: string } }

describe.skipIf(!available)('restart, stop, start and a truthful status on pm2 (built CLI, real pm2, real git)', () => {
  const name = `opsctl-ctl-${uniqueSuffix()}`;
  let dir: string;
  let home: string;
  let app: string;
  let port: number;
  let repo: ReleaseRepo;
  const pids = new Set<number>();

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('service-control-pm2');
    home = path.join(dir, 'pm2-home');
    [repo, port] = await Promise.all([makeReleaseRepo(path.join(dir, 'repo'), `${name}-eco`), freePort()]);
    app = path.join(repo.repo, 'app');
    writeConfig(app, {
      version: 1,
      app: 'ctl',
      environments: {
        prod: {
          stateDir: path.join(dir, 'state'),
          source: { repo: '..', ref: 'main' },
          target: { pm2: { name, script: 'server.cjs', instances: 2, env: { PORT: String(port) } } },
          deploy: { gate: { passes: 2, interval: '500ms', settle: '1s', timeout: '60s' } },
          health: { endpoints: [{ name: 'web', url: `http://127.0.0.1:${port}/` }] },
        },
      },
    });
  }, 300_000);

  afterAll(async () => {
    if (home) await killPm2(home, [...pids, ...(await jlist(home).catch(() => [])).map((p) => p.pid)].filter((pid) => pid > 0));
    removeTempDirs();
  });

  const env = () => cleanEnv({ PM2_HOME: home, PATH: pathWithPm2() });
  const cli = (...args: string[]) => runCli([...args, '-e', 'prod'], { cwd: app, env: env(), timeoutMs: 240_000 });
  const mine = async () => ((await jlist(home)) as unknown as Listed[]).filter((p) => p.name === name);
  const onlinePids = async () => (await mine()).filter((p) => p.pm2_env.status === 'online').map((p) => p.pid).sort();
  const releaseOf = (p: Listed) => p.pm2_env.env?.OPSCTL_RELEASE ?? p.pm2_env.OPSCTL_RELEASE;

  it('restart reloads every instance (new pids, no failed request), stop takes it down after the typed confirmation, start brings it back; each gated and journaled', async () => {
    const [v1] = repo.shas as [string];
    expect((await cli('deploy', '--ref', 'HEAD~2')).exitCode).toBe(0);
    const before = await onlinePids();
    before.forEach((pid) => pids.add(pid));
    expect(before).toHaveLength(2);

    const dry = await cli('restart', '--dry-run');
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stderr).toContain(`would run: pm2 reload ${name}`);
    expect(await onlinePids()).toEqual(before);

    const load = startLoad(port);
    const restarted = await cli('restart', '--json');
    const { failures, requests } = await load.stop();
    expect(restarted.exitCode, restarted.stderr).toBe(0);
    expect(parseJson(restarted.stdout)).toMatchObject({ action: 'restart', ok: true, before: 2, after: 2, health: { passed: true } });
    const after = await onlinePids();
    after.forEach((pid) => pids.add(pid));
    expect(after.filter((pid) => before.includes(pid))).toEqual([]);
    expect(requests).toBeGreaterThan(5);
    expect(failures).toEqual([]);
    expect((await getOnce(port)).release).toBe(v1);

    const refused = await cli('stop');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('needs confirmation');
    expect(await onlinePids()).toEqual(after);

    const stopped = await cli('stop', '--yes', '--json');
    expect(stopped.exitCode, stopped.stderr).toBe(0);
    expect((await mine()).map((p) => p.pm2_env.status)).toEqual(['stopped', 'stopped']);
    await expect(getOnce(port)).rejects.toThrow();

    const started = await cli('start', '--json');
    expect(started.exitCode, started.stderr).toBe(0);
    expect(parseJson(started.stdout)).toMatchObject({ action: 'start', ok: true, before: 0, after: 2, health: { passed: true } });
    expect((await getOnce(port)).release).toBe(v1);

    const history = parseJson((await cli('history', '--json')).stdout).entries.map((e: { type: string; result: string }) => `${e.type} ${e.result}`);
    expect(history.slice(0, 3)).toEqual(['start success', 'stop success', 'restart success']);
    expect((await cli('restart', 'someone-else')).exitCode).toBe(2);
  }, 300_000);

  it('status shows each instance\'s release and says loudly when the current link leads elsewhere, as a Ctrl-C mid-switch left it', async () => {
    const [v1, v2] = repo.shas as [string, string];
    const releases = path.join(dir, 'state', 'releases', 'prod');
    const status = parseJson((await cli('status', '--json')).stdout);
    expect(status.drift).toMatchObject({ mixed: false, recorded: v1 });
    expect(status.target.instances.map((i: { release: string }) => i.release)).toEqual([v1, v1]);

    // The reported state: the link on v2, both instances still on v1.
    const v2Folder = path.join(releases, v2.slice(0, 12));
    if (!existsSync(v2Folder)) await execa('git', ['-C', repo.repo, 'worktree', 'add', '-q', '--detach', v2Folder, v2]);
    rmSync(path.join(releases, 'current'));
    symlinkSync(v2Folder, path.join(releases, 'current'));
    const mixed = await cli('status', '--json');
    expect(parseJson(mixed.stdout).drift).toMatchObject({ mixed: true, message: `mixed: 2 instances on ${v1.slice(0, 7)}, link on ${v2.slice(0, 7)}, recorded ${v1.slice(0, 7)}` });
    expect((await cli('status')).stdout).toContain(`mixed: 2 instances on ${v1.slice(0, 7)}`);
    rmSync(path.join(releases, 'current'));
    symlinkSync(path.join(releases, v1.slice(0, 12)), path.join(releases, 'current'));
  }, 300_000);

  it('Ctrl-C during the switch: the record, the link and status agree with what the instances run; the next deploy finishes the job', async () => {
    const [v1, v2] = repo.shas as [string, string];
    const deploy = startCli(['deploy', '--ref', 'HEAD~1', '--json', '--verbose', '-e', 'prod'], { cwd: app, env: env(), timeoutMs: 240_000 });
    let stderr = '';
    deploy.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor('the switch to start (pm2 reload)', () => stderr.includes(`pm2 reload ${name}`), 120_000, 20);
    deploy.kill('SIGINT');
    const interrupted = await deploy;
    expect(interrupted.exitCode).toBe(130);
    const result = parseJson(String(interrupted.stdout));
    expect(result.outcome).toBe('interrupted');
    expect(result.hint).toMatch(/instance|record/);
    expect(result.hint).not.toMatch(/Partial work was cleaned up/);

    // What runs, read from pm2 itself once its reload (which may finish in the daemon) settled.
    await waitFor('pm2 to settle', async () => (await mine()).every((p) => p.pm2_env.status === 'online'), 60_000, 250);
    const running = new Set((await mine()).map(releaseOf));
    const status = parseJson((await cli('status', '--json')).stdout);
    expect(new Set(status.target.instances.map((i: { release: string }) => i.release))).toEqual(running);
    if (running.size === 1 && !status.drift.mixed) {
      // The record names what runs; the link leads to it.
      expect([v1, v2]).toContain(status.drift.recorded);
    }
    if (result.running) expect([v1, v2]).toContain(result.running);

    const again = await cli('deploy', '--ref', 'HEAD~1', '--json', '--force');
    expect(again.exitCode, again.stderr).toBe(0);
    expect(parseJson(again.stdout)).toMatchObject({ outcome: 'deployed', running: v2 });
    for (const p of await mine()) expect(releaseOf(p)).toBe(v2);
    expect((await getOnce(port)).release).toBe(v2);
    const final = parseJson((await cli('status', '--json')).stdout);
    expect(final.drift).toMatchObject({ mixed: false, recorded: v2, link: v2.slice(0, 12) });
  }, 300_000);
});

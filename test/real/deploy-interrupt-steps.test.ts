// Issue 14 part 3, Tests: Ctrl-C at each step of a deploy, then status and another deploy, checked against
// what runs (pm2 pids and each instance's OPSCTL_RELEASE, what the app serves, the `current` link).
// The signal lands inside a step by a marker, never a sleep: the build runs a script that writes
// `<step>.reached` and blocks when told to; the gate probes an endpoint of this test that holds its answer.
// The switch itself is covered by service-control-pm2.test.ts.
import { existsSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, isAlive, makeTempDir, parseJson, removeTempDirs, runCli, startCli, uniqueSuffix, waitFor, writeConfig } from '../support/real-cli.js';
import { freePort, getOnce, jlist, killPm2, makeReleaseRepo, pathWithPm2, type ReleaseRepo } from '../support/real-pm2.js';
import { requireTools } from '../support/real-tools.js';
import { stepBlocker, type StepBlocker } from '../support/step-blocker.js';

const available = requireTools('pm2', 'git', 'posix-signals');

interface Listed { pid: number; name: string; pm2_env: { status: string; env?: Record<string, string> } }

describe.skipIf(!available)('Ctrl-C at each step of a deploy, then status and another deploy (built CLI, real pm2, real git)', () => {
  const name = `opsctl-int-${uniqueSuffix()}`;
  let dir: string;
  let blocker: StepBlocker;
  let home: string;
  let app: string;
  let port: number;
  let repo: ReleaseRepo;
  let gate: http.Server;
  /** Set: the gate's probe is held unanswered, and this is called when one arrives. */
  let holdGate: (() => void) | undefined;
  const held: http.ServerResponse[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('deploy-interrupt');
    blocker = stepBlocker(makeTempDir('interrupt-control'));
    home = path.join(dir, 'pm2-home');
    gate = http.createServer((req, res) => {
      if (!holdGate) return void res.end('ok');
      held.push(res);
      holdGate();
    });
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    const gatePort = (gate.address() as AddressInfo).port;
    [repo, port] = await Promise.all([makeReleaseRepo(path.join(dir, 'repo'), `${name}-eco`), freePort()]);
    app = path.join(repo.repo, 'app');
    writeConfig(app, {
      version: 1,
      app: 'int',
      environments: {
        prod: {
          stateDir: path.join(dir, 'state'),
          source: { repo: '..', ref: 'main', build: [blocker.line('build')] },
          target: { pm2: { name, script: 'server.cjs', instances: 2, env: { PORT: String(port) } } },
          deploy: { gate: { passes: 2, interval: '500ms', settle: '1s', timeout: '90s' } },
          health: {
            endpoints: [
              { name: 'web', url: `http://127.0.0.1:${port}/` },
              { name: 'gate', url: `http://127.0.0.1:${gatePort}/gate`, timeout: '60s' },
            ],
          },
        },
      },
    });
  }, 300_000);

  afterAll(async () => {
    for (const res of held) res.destroy();
    await new Promise((resolve) => gate?.close(resolve));
    if (home) await killPm2(home, (await jlist(home).catch(() => [])).map((p) => p.pid).filter((pid) => pid > 0));
    removeTempDirs();
  });

  const env = () => cleanEnv({ PM2_HOME: home, PATH: pathWithPm2() });
  const cli = (...args: string[]) => runCli([...args, '-e', 'prod'], { cwd: app, env: env(), timeoutMs: 240_000 });
  const start = (...args: string[]) => startCli([...args, '-e', 'prod'], { cwd: app, env: env(), timeoutMs: 240_000 });
  const stopAt = (step: string) => blocker.stopAt(step);
  const link = () => path.basename(readlinkSync(path.join(dir, 'state', 'releases', 'prod', 'current')));

  /** What runs, as pm2, the app and the link say: pids and release of each instance, the served release, the link. */
  async function world() {
    await waitFor('pm2 to settle', async () => {
      const mine = ((await jlist(home)) as unknown as Listed[]).filter((p) => p.name === name);
      return mine.length === 2 && mine.every((p) => p.pm2_env.status === 'online' && p.pid > 0);
    }, 60_000, 250);
    const mine = ((await jlist(home)) as unknown as Listed[]).filter((p) => p.name === name);
    return {
      pids: mine.map((p) => p.pid).sort(),
      releases: [...new Set(mine.map((p) => p.pm2_env.env?.OPSCTL_RELEASE))],
      served: (await getOnce(port)).release,
      link: link(),
    };
  }

  async function statusAgrees(sha: string) {
    const status = parseJson((await cli('status', '--json')).stdout);
    expect(status.drift).toMatchObject({ mixed: false, recorded: sha, link: sha.slice(0, 12) });
    expect(status.target.instances.map((i: { release: string }) => i.release)).toEqual([sha, sha]);
    expect(status.lock).toBeNull();
  }

  const stderrOf = (child: ReturnType<typeof start>) => {
    const seen = { text: '' };
    child.stderr?.on('data', (chunk: Buffer) => (seen.text += chunk.toString()));
    return seen;
  };

  it('waiting for the lock, building, and in the health gate: each says what it left, status tells the truth, the next deploy finishes', async () => {
    const [v1, v2] = repo.shas as [string, string];
    stopAt('none');
    expect((await cli('deploy', '--ref', v1)).exitCode).toBe(0);
    const onV1 = await world();
    expect(onV1).toMatchObject({ releases: [v1], served: v1, link: v1.slice(0, 12) });

    // A holds the lock, blocked in its build; B waits for the lock (--lock-wait) and is stopped there.
    stopAt('build');
    const a = start('deploy', '--ref', v2, '--json');
    const aErr = stderrOf(a);
    const builder = await waitFor('the build to block', () => blocker.reached('build'), 120_000, 50);
    const b = start('deploy', '--ref', v2, '--lock-wait', '10m', '--json');
    const bErr = stderrOf(b);
    await waitFor('B to wait for the lock', () => bErr.text.includes('--lock-wait'), 60_000, 50);
    b.kill('SIGINT');
    const stoppedB = await b;
    expect(stoppedB.exitCode).toBe(130);
    expect(bErr.text).toContain('deploy stopped while waiting for the lock: nothing was started on prod.');

    // A, stopped in its build: the build's child is gone, nothing switched, and the release folder stays, said so.
    a.kill('SIGINT');
    const stoppedA = await a;
    expect(stoppedA.exitCode).toBe(130);
    expect(parseJson(String(stoppedA.stdout))).toMatchObject({ error: { code: 'interrupted', exitCode: 130 } });
    const folder = path.join(dir, 'state', 'releases', 'prod', v2.slice(0, 12));
    expect(aErr.text).toContain(
      `deploy stopped during build, before the switch: prod was not changed (${v1.slice(0, 7)} keeps running). Left as they are: the release folder ${folder} (the next deploy reuses it and builds again).`,
    );
    expect(aErr.text).not.toMatch(/cleaned up/);
    await waitFor('the blocked build to be stopped', () => !isAlive(builder), 10_000, 50);
    expect(existsSync(folder)).toBe(true);
    expect(await world()).toEqual(onV1);
    await statusAgrees(v1);

    // C, stopped in the health gate (its probe held): past the switch, all instances run v2 unverified.
    stopAt('none');
    const probed = new Promise<void>((resolve) => (holdGate = resolve));
    const c = start('deploy', '--ref', v2, '--json');
    const cErr = stderrOf(c);
    await probed;
    c.kill('SIGINT');
    const stoppedC = await c;
    expect(stoppedC.exitCode).toBe(130);
    const result = parseJson(String(stoppedC.stdout));
    expect(result, result.hint).toMatchObject({ outcome: 'interrupted', previous: v1, running: v2 });
    // What runs is read again after the signal; on a loaded machine that look can miss its deadline, and the finished switch answers.
    expect(result.hint).toMatch(new RegExp(`^all (2 instance\\(s\\)|instances) run ${v2.slice(0, 7)}, unverified.*the record says ${v2.slice(0, 7)}, and (so does the current link|the current link was left as the switch set it)\\.$`));
    expect(cErr.text).toContain(`deploy interrupted after the switch on prod: ${result.hint}`);
    const onV2 = await world();
    expect(onV2).toMatchObject({ releases: [v2], served: v2, link: v2.slice(0, 12) });
    expect(onV2.pids.some((pid) => onV1.pids.includes(pid))).toBe(false);
    await statusAgrees(v2);

    // The next deploy of the same release holds it to the gate it never passed, rather than "already runs".
    holdGate = undefined;
    for (const res of held.splice(0)) res.destroy();
    const again = await cli('deploy', '--ref', v2, '--json');
    expect(again.exitCode, again.stderr).toBe(0);
    expect(parseJson(again.stdout)).toMatchObject({ outcome: 'deployed', running: v2, health: { passed: true } });
    expect(again.stderr).toContain('never passed the health gate');
    expect(await world()).toMatchObject({ releases: [v2], served: v2, link: v2.slice(0, 12) });
    await statusAgrees(v2);
  }, 900_000);
});

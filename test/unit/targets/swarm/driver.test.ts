import { describe, expect, it } from 'vitest';
import { dockerCommands } from '../../../../src/targets/docker/commands.js';
import { sampleTasks } from '../../../../src/targets/docker/samples.js';
import { createSwarmDriver } from '../../../../src/targets/swarm/driver.js';
import type { DriverDeps, PreparedRelease } from '../../../../src/deploy/types.js';
import { ConfigError, InterruptedError, OpsError, TimeoutError } from '../../../../src/errors.js';
import { tagOf } from '../../../../src/targets/docker/preflight.js';
import { waitUntil } from '../../../../src/targets/docker/wait.js';
import { parseServiceInspect, parseServicePs } from '../../../../src/targets/docker/parse.js';
import { scriptedRunner, type ScriptedRunner } from '../../../support/scripted-runner.js';
import { caught, fixture } from '../../helpers.js';

const SHA = 'b'.repeat(40);

describe('swarm argv builders', () => {
  it('the first deploy is a stack deploy that asks no registry, with OPSCTL_RELEASE in the env', () => {
    expect(dockerCommands.stackDeploy('docker-stack.yml', 'shop', SHA, '/srv/shop')).toEqual({
      file: 'docker',
      args: ['stack', 'deploy', '--resolve-image', 'never', '-c', 'docker-stack.yml', 'shop'],
      env: { OPSCTL_RELEASE: SHA },
      cwd: '/srv/shop',
      readOnly: false,
    });
  });

  it('later deploys update the image in the given order and wait for swarm', () => {
    expect(dockerCommands.serviceUpdate('shop_web', `shop:${SHA}`, 'start-first')).toEqual({
      file: 'docker',
      args: ['service', 'update', '--image', `shop:${SHA}`, '--update-order', 'start-first', '--no-resolve-image', '--detach=false', '--quiet', 'shop_web'],
      readOnly: false,
    });
  });

  it('scale waits for convergence; the swarm role check is read-only', () => {
    expect(dockerCommands.serviceScale('shop_web', 3)).toEqual({ file: 'docker', args: ['service', 'scale', 'shop_web=3', '--detach=false'], readOnly: false });
    expect(dockerCommands.swarmRole().readOnly).toBe(true);
  });
});

const sample = (name: string, image: string) =>
  sampleTasks(parseServiceInspect(fixture(`docker/deploy/swarm-${name}-inspect.json`)), parseServicePs(fixture(`docker/deploy/swarm-${name}-ps.jsonl`)), image);

describe('sampleTasks (captured service inspect and ps)', () => {
  it('after the update: both replicas run the new image; the fingerprint is the running task ids', () => {
    expect(sample('updated', 'opsctl-test/app:bbb')).toEqual({
      ready: true,
      fingerprint: '5sqww7xpuuqn9rs2l9uzhwlvl,gw6wqbic465xekpywc0hq9wjj',
      summary: '2/2 running',
      problems: [],
    });
  });

  it('during a start-first update: the old tasks still run and the new one starts', () => {
    const during = sample('updating', 'opsctl-test/app:bbb');
    expect(during.ready).toBe(false);
    expect(during.summary).toBe('0/2 running, 2 old image, 1 starting');
    expect(during.problems).toContain('update updating: update in progress');
    expect(during.problems).toContain('opsctlunit_web.2 is starting');
  });

  it('a paused update is not ready and says why', () => {
    const paused = sample('paused', 'opsctl-test/app:bad');
    expect(paused.ready).toBe(false);
    expect(paused.problems[0]).toMatch(/^update paused: update paused due to failure or early termination of task \w+$/);
  });

  it('two ended tasks of the release image are conclusive; the healthy update has none', () => {
    expect(sample('paused', 'opsctl-test/app:bad').fatal).toEqual([expect.stringMatching(/^\d+ tasks of opsctl-test\/app:bad have ended: /)]);
    expect(sample('updated', 'opsctl-test/app:bbb').fatal).toBeUndefined();
  });
});

const release: PreparedRelease = { sha: SHA, shortSha: 'bbbbbbb', root: '/r', dir: '/r', image: `opsctl-test/app:bad` };
const inspect = { file: 'docker', args: ['service', 'inspect', 'opsctlunit_web', '--format', '{{json .}}'] };

function driverWith(runner: ScriptedRunner, file?: string) {
  const deps = { runner, env: {}, log: {}, environment: { app: 'shop', dir: '/srv' }, releasesDir: '/x', now: Date.now } as unknown as DriverDeps;
  return createSwarmDriver({ stack: 'opsctlunit', service: 'web', image: 'opsctl-test/app', updateOrder: 'start-first', ...(file ? { file } : {}) }, deps);
}

describe('swarm driver', () => {
  it('a paused update fails with swarm own message', async () => {
    const runner = scriptedRunner([
      { ...inspect, stdout: fixture('docker/deploy/swarm-updated-inspect.json') },
      { file: 'docker', args: dockerCommands.serviceUpdate('opsctlunit_web', 'opsctl-test/app:bad', 'start-first').args, exitCode: 1, stderr: fixture('docker/deploy/swarm-update-paused.stderr') },
      { ...inspect, stdout: fixture('docker/deploy/swarm-paused-inspect.json') },
    ]);
    const error = await caught(driverWith(runner).activate(release, new AbortController().signal));
    expect(error).toBeInstanceOf(OpsError);
    expect((error as OpsError).message).toMatch(/^Swarm did not update opsctlunit_web to opsctl-test\/app:bad: update paused: update paused due to failure or early termination of task \w+\.$/);
  });

  it('the first deploy without target.swarm.file is a config error', async () => {
    const runner = scriptedRunner([{ ...inspect, exitCode: 1, stderr: fixture('docker/swarm/service-inspect-missing.stderr').replace('opsctlunit_nope', 'opsctlunit_web') }]);
    const error = await caught(driverWith(runner).activate(release, new AbortController().signal));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('target.swarm.file is not set and swarm service opsctlunit_web does not exist yet.');
  });

  it('under --dry-run the update is printed and nothing waits for it', async () => {
    const runner = scriptedRunner([{ ...inspect, stdout: fixture('docker/deploy/swarm-updated-inspect.json') }], { dryRun: true });
    await driverWith(runner).activate(release, new AbortController().signal);
    expect(runner.skipped.map((c) => c.args.slice(0, 2))).toEqual([['service', 'update']]);
  });

  it('replicas are the desired count; undefined when the service is absent', async () => {
    const present = scriptedRunner([{ ...inspect, stdout: fixture('docker/deploy/swarm-updated-inspect.json') }]);
    expect(await driverWith(present).replicas()).toBe(2);
    const absent = scriptedRunner([{ ...inspect, exitCode: 1, stderr: 'Error: no such service: opsctlunit_web' }]);
    expect(await driverWith(absent).replicas()).toBeUndefined();
  });
});

describe('waitUntil (the convergence wait of both drivers)', () => {
  it('times out naming the last state, and stops at once when the signal aborts', async () => {
    const timedOut = await caught(waitUntil('web converging', async () => ({ done: false, state: '1 of 2 replicas run x:1' }), new AbortController().signal, 600));
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect((timedOut as Error).message).toBe('web converging did not happen within 1 s: 1 of 2 replicas run x:1.');
    const controller = new AbortController();
    const interrupted = caught(waitUntil('web converging', async () => ({ done: false, state: 'starting' }), controller.signal, 60_000));
    controller.abort();
    expect(await interrupted).toBeInstanceOf(InterruptedError);
  });
});

describe('tagOf', () => {
  it('reads the tag, not a registry port', () => {
    expect(tagOf(`registry.local:5000/shop:${SHA}`)).toBe(SHA);
    expect(tagOf('registry.local:5000/shop')).toBeUndefined();
    expect(tagOf('shop:abc@sha256:00')).toBe('abc');
  });
});

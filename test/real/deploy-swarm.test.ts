// Swarm tests take the swarm lease (test/support/real-swarm.ts): swarm init and leave must not race another file.
import path from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSwarmDriver } from '../../src/targets/swarm/driver.js';
import type { DeployDriver, PreparedRelease } from '../../src/deploy/types.js';
import { OpsError } from '../../src/errors.js';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, uniqueSuffix, waitFor, writeConfig } from '../support/real-cli.js';
import { buildRelease, docker, fetchText, freePortRange, imageTags, makeReleaseRepo, realDriverDeps, removeImage, startHttpLoad } from '../support/real-docker.js';
import { removeStack, requireRoutingMesh, requireSwarm, startOverlayLoad, takeSwarmLease, type SwarmLease } from '../support/real-swarm.js';
import { requireTools } from '../support/real-tools.js';

const available = requireSwarm() && requireTools('busybox', 'git');
const never = new AbortController().signal;

describe.skipIf(!available)('swarm deploy driver against a real swarm', () => {
  const suffix = uniqueSuffix();
  const stack = `opsctldeploy${suffix}`;
  const service = `${stack}_web`;
  const image = `opsctl-real/deploy-${suffix}`;
  let dir: string;
  let shas: string[];
  let lease: SwarmLease | undefined;
  let driver: DeployDriver;
  const config = { stack, service: 'web', file: 'docker-stack.yml', image, updateOrder: 'start-first' as const };
  const release = (sha: string): PreparedRelease => ({ sha, shortSha: sha.slice(0, 7), root: dir, dir, image: `${image}:${sha}` });

  beforeAll(async () => {
    lease = await takeSwarmLease();
    dir = makeTempDir('deploy-swarm');
    shas = await makeReleaseRepo(dir, [{ version: '1' }, { version: '2' }, { version: 'crash', exitCode: 3 }]);
    for (const sha of shas) await buildRelease(dir, sha, image);
    const web = { image: `${image}:\${OPSCTL_RELEASE}`, stop_grace_period: '1s', deploy: { replicas: 2, update_config: { monitor: '2s' } } };
    writeFileSync(path.join(dir, 'docker-stack.yml'), JSON.stringify({ version: '3.8', services: { web } }, null, 2));
    driver = createSwarmDriver(config, realDriverDeps(dir, 'realswarm'));
  }, 1_080_000);

  afterAll(async () => {
    await removeStack(stack);
    for (const tag of await imageTags(image).catch(() => [])) await removeImage(tag);
    await lease?.release();
    removeTempDirs();
  });

  const tasksOn = async (sha: string) =>
    (await docker(['service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.Image}} {{.CurrentState}}'])).split('\n').filter((l) => l.startsWith(`${image}:${sha} Running`));

  it('preflight: the first deploy needs target.swarm.file', async () => {
    expect(await driver.preflight()).toEqual([]);
    const noFile = createSwarmDriver({ ...config, file: undefined }, realDriverDeps(dir, 'realswarm'));
    expect((await noFile.preflight()).join()).toContain('target.swarm.file is not set and swarm service');
  });

  it('under --dry-run the stack deploy is printed, not run', async () => {
    const planned: string[] = [];
    const dry = createSwarmDriver(config, realDriverDeps(dir, 'realswarm', { dryRun: true, planned }));
    await dry.activate(release(shas[0]!), never);
    expect(planned).toEqual([`would run: docker stack deploy --resolve-image never -c docker-stack.yml ${stack}`]);
    expect(await dry.replicas()).toBeUndefined();
  });

  it('the first deploy creates the stack and returns once both replicas run the release', async () => {
    await driver.activate(release(shas[0]!), never);
    expect(await tasksOn(shas[0]!)).toHaveLength(2);
    const sample = await driver.sample(release(shas[0]!));
    expect(sample).toMatchObject({ ready: true, summary: '2/2 running', problems: [] });
    expect(await driver.replicas()).toBe(2);
  });

  it('an upgrade is a start-first service update that returns converged', async () => {
    await driver.activate(release(shas[1]!), never);
    expect(await tasksOn(shas[1]!)).toHaveLength(2);
    expect((await driver.sample(release(shas[1]!))).ready).toBe(true);
    expect((await driver.sample(release(shas[0]!))).ready).toBe(false);
  });

  it('a release whose task exits makes swarm pause the update: activate throws swarm message; the old image comes back', async () => {
    const error = await driver.activate(release(shas[2]!), never).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(OpsError);
    expect((error as Error).message).toMatch(new RegExp(`Swarm did not update ${service} to ${image}:${shas[2]}: update paused: update paused due to failure`));
    await driver.activate(release(shas[1]!), never);
    expect(await tasksOn(shas[1]!)).toHaveLength(2);
    expect((await driver.sample(release(shas[1]!))).ready).toBe(true);
  });

  it('scale 3 then 1 waits until swarm converged', async () => {
    await driver.scale(3, never);
    expect(await driver.replicas()).toBe(3);
    expect(await tasksOn(shas[1]!)).toHaveLength(3);
    await driver.scale(1, never);
    expect(await tasksOn(shas[1]!)).toHaveLength(1);
    expect((await driver.sample(release(shas[1]!))).summary).toBe('1/1 running');
  });
});

describe.skipIf(!available)('opsctl deploy, rollback and scale on a real swarm (built CLI)', () => {
  const suffix = uniqueSuffix();
  const image = `opsctl-real/cli-${suffix}`;
  // host: one replica on a host-mode port (no routing mesh needed), stop-first since two tasks cannot
  // bind it at once; cluster: two replicas, start-first, no port; mesh: an ingress port under load;
  // dnsrr: DNS round-robin on an attachable overlay, loaded from a client container on it.
  const stacks = { host: `opsctlh${suffix}`, cluster: `opsctlc${suffix}`, mesh: `opsctlm${suffix}`, dnsrr: `opsctld${suffix}` };
  let dir: string;
  let port: number;
  let meshPort: number;
  let shas: string[];
  let lease: SwarmLease | undefined;

  beforeAll(async () => {
    lease = await takeSwarmLease();
    await ensureBuilt();
    dir = makeTempDir('cli-swarm');
    port = await freePortRange(1);
    meshPort = await freePortRange(1);
    const web = (extra: object) => ({ image: `${image}:\${OPSCTL_RELEASE}`, stop_grace_period: '1s', ...extra });
    const stack = (name: string, service: object) => writeFileSync(path.join(dir, name), JSON.stringify({ version: '3.8', services: { web: service } }, null, 2));
    stack('host.yml', web({ ports: [{ target: 8080, published: port, protocol: 'tcp', mode: 'host' }], deploy: { replicas: 1 } }));
    stack('cluster.yml', web({ deploy: { replicas: 2, update_config: { monitor: '2s' } } }));
    stack('mesh.yml', web({ ports: [{ target: 8080, published: meshPort, protocol: 'tcp' }], deploy: { replicas: 2, update_config: { monitor: '2s' } } }));
    writeFileSync(
      path.join(dir, 'dnsrr.yml'),
      JSON.stringify({
        version: '3.8',
        services: { web: web({ deploy: { replicas: 2, endpoint_mode: 'dnsrr', update_config: { monitor: '2s' } } }) },
        networks: { default: { driver: 'overlay', attachable: true } },
      }, null, 2),
    );
    writeFileSync(path.join(dir, '.gitignore'), '.opsctl/\n');
    const source = { repo: '.', ref: 'main', build: [`docker build -q -t ${image}:\${OPSCTL_RELEASE} .`] };
    const deploy = { gate: { passes: 2, interval: '500ms', settle: '2s', timeout: '30s' } };
    const endpoint = (p: number) => ({ host: false, endpoints: [{ name: 'web', url: `http://127.0.0.1:${p}/health`, timeout: '2s' }] });
    writeConfig(dir, {
      version: 1,
      app: 'cliswarm',
      environments: {
        host: { target: { swarm: { stack: stacks.host, service: 'web', file: 'host.yml', image, updateOrder: 'stop-first' } }, source, deploy, health: endpoint(port) },
        cluster: { target: { swarm: { stack: stacks.cluster, service: 'web', file: 'cluster.yml', image } }, source, deploy, health: { host: false } },
        mesh: { target: { swarm: { stack: stacks.mesh, service: 'web', file: 'mesh.yml', image } }, source, deploy, health: endpoint(meshPort) },
        dnsrr: { target: { swarm: { stack: stacks.dnsrr, service: 'web', file: 'dnsrr.yml', image } }, source, deploy, health: { host: false } },
      },
    });
    shas = await makeReleaseRepo(dir, [{ version: '1' }, { version: '2' }, { version: 'bad', healthy: false }]);
  }, 1_080_000);

  afterAll(async () => {
    for (const stack of Object.values(stacks)) await removeStack(stack);
    for (const tag of await imageTags(image).catch(() => [])) await removeImage(tag);
    await lease?.release();
    removeTempDirs();
  });

  const opsctl = (env: string, ...args: string[]) => runCli([...args, '-e', env, '--json'], { cwd: dir, env: cleanEnv(), timeoutMs: 240_000 });
  const version = async (p = port) => (await fetchText(`http://127.0.0.1:${p}/version`)).text;
  const history = () => (existsSync(path.join(dir, '.opsctl', 'history.jsonl')) ? readFileSync(path.join(dir, '.opsctl', 'history.jsonl'), 'utf8') : '');
  const running = async (stack: string) =>
    (await docker(['service', 'ps', `${stack}_web`, '--filter', 'desired-state=running', '--format', '{{.Image}} {{.CurrentState}}'])).split('\n').filter(Boolean).map((l) => l.split(' ').slice(0, 2).join(' '));

  it('--dry-run changes nothing: no service, no image, no history entry', async () => {
    const result = await opsctl('host', 'deploy', '--ref', shas[0]!, '--dry-run');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ outcome: 'planned', dryRun: true });
    expect(result.stderr).toContain(`would run: docker stack deploy --resolve-image never -c host.yml ${stacks.host}`);
    expect((await docker(['service', 'ls', '-q', '--filter', `name=${stacks.host}_web`])).trim()).toBe('');
    expect(await imageTags(image)).toEqual([]);
    expect(history()).not.toContain('"deploy"');
  }, 120_000);

  it('first deploy (stack deploy), upgrade (service update), a failing /health rolled back, then opsctl rollback', async () => {
    const first = await opsctl('host', 'deploy', '--ref', shas[0]!);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(parseJson(first.stdout)).toMatchObject({ outcome: 'deployed', running: shas[0], health: { passed: true } });
    expect(await version()).toBe('1');
    const second = await opsctl('host', 'deploy', '--ref', shas[1]!);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(parseJson(second.stdout)).toMatchObject({ outcome: 'deployed', previous: shas[0], running: shas[1] });
    expect(await version()).toBe('2');
    const bad = await opsctl('host', 'deploy', '--ref', shas[2]!);
    expect(bad.exitCode, bad.stdout).toBe(1);
    expect(parseJson(bad.stdout)).toMatchObject({ outcome: 'rolled-back', running: shas[1], health: { passed: false }, rollback: { to: shas[1], ok: true } });
    expect(await version()).toBe('2');
    expect(await running(stacks.host)).toEqual([`${image}:${shas[1]} Running`]);
    const back = await opsctl('host', 'rollback');
    expect(back.exitCode, back.stderr).toBe(0);
    expect(parseJson(back.stdout)).toMatchObject({ operation: 'rollback', outcome: 'rolled-back', running: shas[0] });
    expect(await version()).toBe('1');
  }, 600_000);

  it('start-first upgrade of two replicas, then scale 3 and scale 1', async () => {
    expect((await opsctl('cluster', 'deploy', '--ref', shas[0]!)).exitCode).toBe(0);
    const upgrade = await opsctl('cluster', 'deploy', '--ref', shas[1]!);
    expect(upgrade.exitCode, upgrade.stderr).toBe(0);
    expect(await running(stacks.cluster)).toEqual(Array(2).fill(`${image}:${shas[1]} Running`));
    const three = await opsctl('cluster', 'scale', '3');
    expect(three.exitCode, three.stderr).toBe(0);
    expect(parseJson(three.stdout)).toMatchObject({ from: 2, to: 3 });
    expect(await running(stacks.cluster)).toEqual(Array(3).fill(`${image}:${shas[1]} Running`));
    const one = await opsctl('cluster', 'scale', '1');
    expect(one.exitCode, one.stderr).toBe(0);
    expect(await running(stacks.cluster)).toEqual([`${image}:${shas[1]} Running`]);
  }, 600_000);

  it.skipIf(!requireRoutingMesh())('a start-first update under steady HTTP load through the routing mesh fails no request', async () => {
    expect((await opsctl('mesh', 'deploy', '--ref', shas[0]!)).exitCode).toBe(0);
    const load = startHttpLoad(`http://127.0.0.1:${meshPort}/version`);
    const upgrade = await opsctl('mesh', 'deploy', '--ref', shas[1]!);
    const { requests, failures } = await load.stop();
    expect(upgrade.exitCode, upgrade.stderr).toBe(0);
    expect(requests).toBeGreaterThan(50);
    expect(failures).toEqual([]);
    expect(await version(meshPort)).toBe('2');
  }, 600_000);

  it('a start-first update under steady load through swarm DNS round-robin (no IPVS needed) fails no request', async () => {
    expect((await opsctl('dnsrr', 'deploy', '--ref', shas[0]!)).exitCode).toBe(0);
    const load = await startOverlayLoad({ network: `${stacks.dnsrr}_default`, image: `${image}:${shas[0]}`, host: 'web', port: 8080, urlPath: '/version' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const upgrade = await opsctl('dnsrr', 'deploy', '--ref', shas[1]!);
    const { requests, failures } = await load.stop();
    expect(upgrade.exitCode, upgrade.stderr).toBe(0);
    expect(await running(stacks.dnsrr)).toEqual(Array(2).fill(`${image}:${shas[1]} Running`));
    expect(requests).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 600_000);
});

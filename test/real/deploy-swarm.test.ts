// Swarm tests take the swarm lease (test/support/real-swarm.ts): swarm init and leave must not race another file.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSwarmDriver } from '../../src/deploy/drivers/swarm.js';
import type { DeployDriver, PreparedRelease } from '../../src/deploy/types.js';
import { OpsError } from '../../src/errors.js';
import { makeTempDir, removeTempDirs, uniqueSuffix, waitFor } from '../support/real-cli.js';
import { buildRelease, containersWithLabel, docker, imageTags, makeReleaseRepo, realDriverDeps, removeImage } from '../support/real-docker.js';
import { takeSwarmLease, type SwarmLease } from '../support/real-swarm.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('docker-swarm', 'busybox', 'git');
const never = new AbortController().signal;

/** Removes the stack and waits for its containers, then its network, so nothing outlives the file. */
export async function removeStack(stack: string): Promise<void> {
  await docker(['stack', 'rm', stack], { allowFailure: true });
  const label = `com.docker.stack.namespace=${stack}`;
  await waitFor(`the containers of ${stack} to go`, async () => (await containersWithLabel(label)).length === 0, 60_000, 500).catch(async () =>
    docker(['rm', '-f', ...(await containersWithLabel(label))], { allowFailure: true }),
  );
  await waitFor(`the network of ${stack} to go`, async () => (await docker(['network', 'ls', '-q', '--filter', `label=${label}`])).trim() === '', 30_000, 500).catch(() => undefined);
}

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

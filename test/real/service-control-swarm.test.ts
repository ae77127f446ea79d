// restart, stop and start of a real swarm service (takes the swarm lease, test/support/real-swarm.ts):
// checked by task ids and the service's replica count.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSwarmDriver } from '../../src/targets/swarm/driver.js';
import { createSwarmControl } from '../../src/targets/swarm/control.js';
import { containersWithLabel, docker, buildRelease, imageTags, makeReleaseRepo, realDriverDeps, removeImage } from '../support/real-docker.js';
import { makeTempDir, removeTempDirs, uniqueSuffix, waitFor } from '../support/real-cli.js';
import { requireSwarm, takeSwarmLease, type SwarmLease } from '../support/real-swarm.js';
import { requireTools } from '../support/real-tools.js';

const available = requireSwarm() && requireTools('busybox', 'git');
const never = new AbortController().signal;

describe.skipIf(!available)('restart, stop and start of a swarm service against a real swarm', () => {
  const suffix = uniqueSuffix();
  const stack = `opsctlctl${suffix}`;
  const service = `${stack}_web`;
  const image = `opsctl-real/ctl-${suffix}`;
  const config = { stack, service: 'web', file: 'docker-stack.yml', image, updateOrder: 'start-first' as const };
  let dir: string;
  let lease: SwarmLease | undefined;

  beforeAll(async () => {
    lease = await takeSwarmLease();
    dir = makeTempDir('service-control-swarm');
    const [sha] = (await makeReleaseRepo(dir, [{ version: '1' }])) as [string];
    await buildRelease(dir, sha, image);
    const web = { image: `${image}:\${OPSCTL_RELEASE}`, stop_grace_period: '1s', deploy: { replicas: 2, update_config: { monitor: '1s' } } };
    writeFileSync(path.join(dir, 'docker-stack.yml'), JSON.stringify({ version: '3.8', services: { web } }, null, 2));
    await createSwarmDriver(config, realDriverDeps(dir, 'realctl')).activate({ sha, shortSha: sha.slice(0, 7), root: dir, dir, image: `${image}:${sha}` }, never);
  }, 1_080_000);

  afterAll(async () => {
    await docker(['stack', 'rm', stack], { allowFailure: true });
    const label = `com.docker.stack.namespace=${stack}`;
    await waitFor(`the containers of ${stack} to go`, async () => (await containersWithLabel(label)).length === 0, 60_000, 500).catch(async () =>
      docker(['rm', '-f', ...(await containersWithLabel(label))], { allowFailure: true }),
    );
    await waitFor(`the network of ${stack} to go`, async () => (await docker(['network', 'ls', '-q', '--filter', `label=${label}`])).trim() === '', 30_000, 500).catch(() => undefined);
    for (const tag of await imageTags(image).catch(() => [])) await removeImage(tag);
    await lease?.release();
    removeTempDirs();
  });

  const runningTasks = async () => (await docker(['service', 'ps', service, '--filter', 'desired-state=running', '-q'])).split(/\s+/).filter(Boolean).sort();
  const replicas = async () => Number((await docker(['service', 'inspect', service, '--format', '{{.Spec.Mode.Replicated.Replicas}}'])).trim());

  it('restart replaces every task (update --force); stop scales to 0 and start back to the count it had', async () => {
    const control = createSwarmControl(config, realDriverDeps(dir, 'realctl'));
    const before = await runningTasks();
    expect(before).toHaveLength(2);
    expect(await control.running(undefined)).toBe(2);

    const planned: string[] = [];
    await createSwarmControl(config, realDriverDeps(dir, 'realctl', { dryRun: true, planned })).restart(undefined, never);
    expect(planned).toEqual([`would run: docker service update --force --detach=false --quiet ${service}`]);
    expect(await runningTasks()).toEqual(before);

    await control.restart(undefined, never);
    const after = await runningTasks();
    expect(after).toHaveLength(2);
    expect(after.filter((id) => before.includes(id))).toEqual([]);

    await control.stop('web', never);
    expect(await replicas()).toBe(0);
    await waitFor('no task running', async () => (await control.running(undefined)) === 0, 60_000, 500);
    await control.start(undefined, 2, never);
    expect(await replicas()).toBe(2);
    expect(await control.running(undefined)).toBe(2);
    await expect(control.restart('other', never)).rejects.toThrow(/runs the swarm service/);
  }, 600_000);
});

// restart, stop and start on a real compose project (docker-compose v1 here, or the v2 plugin): the
// deployed service one container at a time, another service as compose does it; checked by container
// start times, states and what each container serves.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComposeDriver } from '../../src/targets/compose/driver.js';
import { createComposeControl } from '../../src/targets/compose/control.js';
import type { ComposeTarget } from '../../src/config/schema.js';
import { makeTempDir, removeTempDirs, uniqueSuffix, waitFor } from '../support/real-cli.js';
import { buildBusyboxImage, buildRelease, containersWithLabel, docker, imageTags, makeReleaseRepo, realDriverDeps, removeImage } from '../support/real-docker.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('docker-compose', 'busybox', 'git');
const never = new AbortController().signal;

describe.skipIf(!available)('restart, stop and start of compose services against a real engine', () => {
  const suffix = uniqueSuffix();
  const project = `opsctlctl${suffix}`;
  const image = `opsctl-real/ctl-${suffix}`;
  const depImage = `opsctl-real/ctldep-${suffix}:1`;
  const labels = [`com.docker.compose.project=${project}`];
  let dir: string;
  let sha: string;
  let config: ComposeTarget;

  beforeAll(async () => {
    dir = makeTempDir('service-control-compose');
    [sha] = (await makeReleaseRepo(dir, [{ version: '1' }])) as [string];
    await buildBusyboxImage(depImage);
    await buildRelease(dir, sha, image);
    const services = {
      web: { image: `${image}:\${OPSCTL_RELEASE}`, depends_on: ['dep'], stop_grace_period: '1s' },
      dep: { image: depImage, command: ['sleep', '600'], stop_grace_period: '1s' },
    };
    writeFileSync(path.join(dir, 'docker-compose.yml'), JSON.stringify({ version: '2.4', services }, null, 2));
    config = { file: 'docker-compose.yml', project, service: 'web', image } as ComposeTarget;
    await createComposeDriver(config, realDriverDeps(dir, 'realctl')).activate({ sha, shortSha: sha.slice(0, 7), root: dir, dir, image: `${image}:${sha}` }, never);
  }, 180_000);

  afterAll(async () => {
    const left = await containersWithLabel(...labels).catch(() => []);
    if (left.length > 0) await docker(['rm', '-f', ...left], { allowFailure: true });
    await docker(['network', 'rm', `${project}_default`], { allowFailure: true });
    for (const tag of await imageTags(image).catch(() => [])) await removeImage(tag);
    await removeImage(depImage);
    removeTempDirs();
  });

  const of = (service: string) => containersWithLabel(...labels, `com.docker.compose.service=${service}`);
  const state = async (id: string) => JSON.parse(await docker(['inspect', '--format', '{{json .State}}', id])) as { Status: string; StartedAt: string; Health?: { Status: string } };
  const served = async (id: string) => (await docker(['exec', id, '/bin/busybox', 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/version'])).trim();

  it('restart of the deployed service restarts its container (same id, new start, healthy again) and leaves the other service alone; --dry-run only plans', async () => {
    const [web] = await of('web');
    const [dep] = await of('dep');
    await waitFor('web healthy', async () => (await state(web!)).Health?.Status === 'healthy', 60_000, 300);
    const before = await Promise.all([state(web!), state(dep!)]);

    const planned: string[] = [];
    await createComposeControl(config, realDriverDeps(dir, 'realctl', { dryRun: true, planned })).restart(undefined, never);
    expect(planned).toContain(`would run: docker restart ${web!.slice(0, 12)}`);
    expect((await state(web!)).StartedAt).toBe(before[0]!.StartedAt);

    const control = createComposeControl(config, realDriverDeps(dir, 'realctl'));
    expect(control.isDeployed(undefined)).toBe(true);
    expect(control.isDeployed('dep')).toBe(false);
    await control.restart(undefined, never);
    const after = await state(web!);
    expect(after.StartedAt).not.toBe(before[0]!.StartedAt);
    expect(after.Health?.Status).toBe('healthy');
    expect(await served(web!)).toBe('1');
    expect((await state(dep!)).StartedAt).toBe(before[1]!.StartedAt);

    await control.restart('dep', never);
    expect((await state(dep!)).StartedAt).not.toBe(before[1]!.StartedAt);
  }, 180_000);

  it('stop keeps the container but stops it; start runs the same container again', async () => {
    const control = createComposeControl(config, realDriverDeps(dir, 'realctl'));
    const [web] = await of('web');
    expect(await control.running(undefined)).toBe(1);
    await control.stop(undefined, never);
    expect((await state(web!)).Status).toBe('exited');
    expect(await control.running(undefined)).toBe(0);
    expect((await of('dep')).length).toBe(1);
    await control.start(undefined, 1, never);
    expect(await of('web')).toEqual([web]);
    await waitFor('web serving again', async () => (await state(web!)).Status === 'running' && (await served(web!).catch(() => '')) === '1', 60_000, 300);
  }, 180_000);
});

import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComposeDriver } from '../../src/deploy/drivers/compose.js';
import type { DeployDriver, PreparedRelease } from '../../src/deploy/types.js';
import { makeTempDir, removeTempDirs, uniqueSuffix, waitFor } from '../support/real-cli.js';
import { buildBusyboxImage, buildRelease, containersWithLabel, docker, imageTags, makeReleaseRepo, realDriverDeps, removeImage } from '../support/real-docker.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('docker-compose', 'busybox', 'git');
const never = new AbortController().signal;

describe.skipIf(!available)('compose deploy driver against a real engine (docker-compose v1 here, or the v2 plugin)', () => {
  const suffix = uniqueSuffix();
  const project = `opsctldeploy${suffix}`;
  const image = `opsctl-real/deploy-${suffix}`;
  const depImage = `opsctl-real/dep-${suffix}:1`;
  const labels = [`com.docker.compose.project=${project}`];
  let dir: string;
  let shas: string[];
  let driver: DeployDriver;
  const release = (sha: string): PreparedRelease => ({ sha, shortSha: sha.slice(0, 7), root: dir, dir, image: `${image}:${sha}` });

  beforeAll(async () => {
    dir = makeTempDir('deploy-compose');
    shas = await makeReleaseRepo(dir, [{ version: '1' }, { version: '2' }]);
    await buildBusyboxImage(depImage);
    const services = {
      web: { image: `${image}:\${OPSCTL_RELEASE}`, depends_on: ['dep'], stop_grace_period: '1s' },
      dep: { image: depImage, command: ['sleep', '600'], stop_grace_period: '1s' },
    };
    writeFileSync(path.join(dir, 'docker-compose.yml'), JSON.stringify({ version: '2.4', services }, null, 2));
    driver = createComposeDriver({ file: 'docker-compose.yml', project, service: 'web', image }, realDriverDeps(dir, 'realdeploy'));
  });

  afterAll(async () => {
    const left = await containersWithLabel(...labels).catch(() => []);
    if (left.length > 0) await docker(['rm', '-f', ...left], { allowFailure: true });
    await docker(['network', 'rm', `${project}_default`], { allowFailure: true });
    for (const tag of await imageTags(image).catch(() => [])) await removeImage(tag);
    await removeImage(depImage);
    removeTempDirs();
  });

  const served = async (container: string) => (await docker(['exec', container, '/bin/busybox', 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/version'])).trim();
  const webContainers = () => containersWithLabel(...labels, 'com.docker.compose.service=web');
  const ready = (sha: string) => waitFor(`web healthy on ${sha.slice(0, 7)}`, async () => (await driver.sample(release(sha))).ready, 60_000, 300);

  it('preflight passes; verifyBuilt says the build must tag the image until it exists', async () => {
    expect(await driver.preflight()).toEqual([]);
    const [problem] = await driver.verifyBuilt(release(shas[0]!));
    expect(problem).toContain(`Image ${image}:${shas[0]} does not exist after the build`);
    expect(problem).toContain(`docker build -t ${image}:\${OPSCTL_RELEASE} .`);
    await buildRelease(dir, shas[0]!, image);
    await buildRelease(dir, shas[1]!, image);
    expect(await driver.verifyBuilt(release(shas[0]!))).toEqual([]);
  });

  it('under --dry-run activate prints the compose command and starts nothing', async () => {
    const planned: string[] = [];
    const dry = createComposeDriver({ file: 'docker-compose.yml', project, service: 'web', image }, realDriverDeps(dir, 'realdeploy', { dryRun: true, planned }));
    await dry.activate(release(shas[0]!), never);
    expect(planned.join('\n')).toMatch(new RegExp(`would run: (docker-compose|docker compose) -p ${project} -f docker-compose.yml up -d web`));
    expect(await containersWithLabel(...labels)).toEqual([]);
    expect(await dry.replicas()).toBeUndefined();
  });

  it('the first deploy starts the dependency too; the sample turns ready once the HEALTHCHECK passes', async () => {
    await driver.activate(release(shas[0]!), never);
    expect(await containersWithLabel(...labels, 'com.docker.compose.service=dep')).toHaveLength(1);
    await ready(shas[0]!);
    const [web] = await webContainers();
    expect(await served(web!)).toBe('1');
    expect(await driver.replicas()).toBe(1);
    // Another release's image is not ready even when healthy.
    const other = await driver.sample(release(shas[1]!));
    expect(other.ready).toBe(false);
    expect(other.problems.join()).toContain(`not ${image}:${shas[1]}`);
  });

  it('an upgrade recreates web only (the dependency keeps its container) and a scale survives it', async () => {
    const [dep] = await containersWithLabel(...labels, 'com.docker.compose.service=dep');
    await driver.scale(3, never);
    expect(await driver.replicas()).toBe(3);
    await driver.activate(release(shas[1]!), never);
    await ready(shas[1]!);
    expect(await driver.replicas()).toBe(3);
    for (const id of await webContainers()) expect(await served(id)).toBe('2');
    expect(await containersWithLabel(...labels, 'com.docker.compose.service=dep')).toEqual([dep]);
    const sample = await driver.sample(release(shas[1]!));
    expect(sample.summary).toBe('3/3 running');
  });

  it('rolling back to the old image and scaling to 1 keeps the release the containers run', async () => {
    await driver.activate(release(shas[0]!), never);
    await ready(shas[0]!);
    await driver.scale(1, never);
    expect(await driver.replicas()).toBe(1);
    const [web] = await webContainers();
    expect(await served(web!)).toBe('1');
    // A restart changes the fingerprint, which the health gate needs stable.
    const before = (await driver.sample(release(shas[0]!))).fingerprint;
    await docker(['restart', '-t', '1', web!]);
    await ready(shas[0]!);
    expect((await driver.sample(release(shas[0]!))).fingerprint).not.toBe(before);
  });
});

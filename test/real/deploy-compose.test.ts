import path from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComposeDriver } from '../../src/targets/compose/driver.js';
import type { DeployDriver, PreparedRelease } from '../../src/deploy/types.js';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, uniqueSuffix, waitFor, writeConfig } from '../support/real-cli.js';
import { buildBusyboxImage, buildRelease, containersWithLabel, docker, fetchText, freePortRange, imageTags, makeReleaseRepo, realDriverDeps, removeImage } from '../support/real-docker.js';
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

describe.skipIf(!available)('opsctl deploy, rollback and scale on a real compose project (built CLI)', () => {
  const suffix = uniqueSuffix();
  const project = `opsctlcli${suffix}`;
  const image = `opsctl-real/cli-${suffix}`;
  const depImage = `opsctl-real/clidep-${suffix}:1`;
  const labels = [`com.docker.compose.project=${project}`];
  const workerLabels = [`com.docker.compose.project=${project}w`, 'com.docker.compose.service=web'];
  let dir: string;
  let port: number;
  let shas: string[];

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('cli-compose');
    // A fixed host port fits one container only (docker hands a range's ports out round-robin, so a
    // recreated container would move): the scale test uses a second project without ports.
    port = await freePortRange(1);
    await buildBusyboxImage(depImage);
    const services = {
      web: { image: `${image}:\${OPSCTL_RELEASE}`, depends_on: ['cache'], stop_grace_period: '1s', ports: [`127.0.0.1:${port}:8080`] },
      cache: { image: depImage, command: ['sleep', '600'], stop_grace_period: '1s' },
    };
    writeFileSync(path.join(dir, 'docker-compose.yml'), JSON.stringify({ version: '2.4', services }, null, 2));
    const workers = { web: { image: `${image}:\${OPSCTL_RELEASE}`, stop_grace_period: '1s' } };
    writeFileSync(path.join(dir, 'workers.yml'), JSON.stringify({ version: '2.4', services: workers }, null, 2));
    writeFileSync(path.join(dir, '.gitignore'), '.opsctl/\n');
    writeConfig(dir, {
      version: 1,
      app: 'clicompose',
      // A 2 s settle inside a 30 s gate: the default 10 s settle in a 20 s gate left no slack on a loaded machine.
      environments: {
        prod: {
          target: { compose: { file: 'docker-compose.yml', project, service: 'web', image } },
          source: { repo: '.', ref: 'main', build: [`docker build -q -t ${image}:\${OPSCTL_RELEASE} .`] },
          deploy: { gate: { passes: 2, interval: '500ms', settle: '2s', timeout: '30s' } },
          health: { host: false, endpoints: [{ name: 'web', url: `http://127.0.0.1:${port}/health`, timeout: '2s' }] },
        },
        workers: {
          target: { compose: { file: 'workers.yml', project: `${project}w`, service: 'web', image } },
          source: { repo: '.', ref: 'main', build: [`docker build -q -t ${image}:\${OPSCTL_RELEASE} .`] },
          deploy: { gate: { passes: 2, interval: '500ms', settle: '2s', timeout: '30s' } },
          health: { host: false },
        },
      },
    });
    shas = await makeReleaseRepo(dir, [{ version: '1' }, { version: '2' }, { version: 'bad', healthy: false }]);
  }, 180_000);

  afterAll(async () => {
    for (const name of [project, `${project}w`]) {
      const left = await containersWithLabel(`com.docker.compose.project=${name}`).catch(() => []);
      if (left.length > 0) await docker(['rm', '-f', ...left], { allowFailure: true });
      await docker(['network', 'rm', `${name}_default`], { allowFailure: true });
    }
    for (const tag of await imageTags(image).catch(() => [])) await removeImage(tag);
    await removeImage(depImage);
    removeTempDirs();
  });

  const opsctl = (...args: string[]) => runCliIn('prod', ...args);
  const runCliIn = (env: string, ...args: string[]) => runCli([...args, '-e', env, '--json'], { cwd: dir, env: cleanEnv(), timeoutMs: 240_000 });
  const version = async () => (await fetchText(`http://127.0.0.1:${port}/version`)).text;
  const history = () => (existsSync(path.join(dir, '.opsctl', 'history.jsonl')) ? readFileSync(path.join(dir, '.opsctl', 'history.jsonl'), 'utf8') : '');

  it('--dry-run changes nothing: no container, no image, no history entry', async () => {
    const result = await opsctl('deploy', '--ref', shas[0]!, '--dry-run');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ outcome: 'planned', dryRun: true });
    expect(result.stderr).toMatch(/would run: (docker-compose|docker compose) -p \S+ -f docker-compose.yml up -d web/);
    expect(await containersWithLabel(...labels)).toEqual([]);
    expect(await imageTags(image)).toEqual([]);
    expect(history()).not.toContain('"deploy"');
  }, 120_000);

  it('the first deploy builds <image>:<sha>, starts web and its dependency, and passes the gate', async () => {
    const result = await opsctl('deploy', '--ref', shas[0]!);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ outcome: 'deployed', running: shas[0], health: { passed: true } });
    expect(await imageTags(image)).toEqual([`${image}:${shas[0]}`]);
    expect(await containersWithLabel(...labels, 'com.docker.compose.service=cache')).toHaveLength(1);
    expect(await version()).toBe('1');
  }, 240_000);

  it('an upgrade recreates web on the new image and leaves the dependency alone', async () => {
    const [cache] = await containersWithLabel(...labels, 'com.docker.compose.service=cache');
    const result = await opsctl('deploy', '--ref', shas[1]!);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ outcome: 'deployed', previous: shas[0], running: shas[1] });
    expect(await version()).toBe('2');
    expect(await containersWithLabel(...labels, 'com.docker.compose.service=cache')).toEqual([cache]);
  }, 240_000);

  it('a release whose /health fails is rolled back automatically: exit 1 and the old image serves again', async () => {
    const result = await opsctl('deploy', '--ref', shas[2]!);
    expect(result.exitCode, result.stdout).toBe(1);
    expect(parseJson(result.stdout)).toMatchObject({ outcome: 'rolled-back', running: shas[1], health: { passed: false }, rollback: { to: shas[1], ok: true } });
    expect(await version()).toBe('2');
  }, 240_000);

  it('opsctl rollback goes back to the release before', async () => {
    const result = await opsctl('rollback');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ operation: 'rollback', outcome: 'rolled-back', running: shas[0] });
    expect(await version()).toBe('1');
  }, 240_000);

  it('scale 3 then scale 1 keep the running release (a project without a fixed host port)', async () => {
    const deployed = await runCliIn('workers', 'deploy', '--ref', shas[1]!);
    expect(deployed.exitCode, deployed.stderr).toBe(0);
    const three = await runCliIn('workers', 'scale', '3');
    expect(three.exitCode, three.stderr).toBe(0);
    expect(parseJson(three.stdout)).toMatchObject({ from: 1, to: 3 });
    const images = async () =>
      Promise.all((await containersWithLabel(...workerLabels)).map(async (id) => (await docker(['inspect', '--format', '{{.Config.Image}} {{.State.Status}}', id])).trim()));
    expect(await images()).toEqual(Array(3).fill(`${image}:${shas[1]} running`));
    const one = await runCliIn('workers', 'scale', '1');
    expect(one.exitCode, one.stderr).toBe(0);
    expect(parseJson(one.stdout)).toMatchObject({ from: 3, to: 1 });
    expect(await images()).toEqual([`${image}:${shas[1]} running`]);
  }, 240_000);
});

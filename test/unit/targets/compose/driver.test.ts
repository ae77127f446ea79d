import { describe, expect, it } from 'vitest';
import { createComposeDriver } from '../../../../src/targets/compose/driver.js';
import { composeCommands, dockerCommands } from '../../../../src/targets/docker/commands.js';
import { sampleContainers } from '../../../../src/targets/docker/samples.js';
import type { DriverDeps, PreparedRelease } from '../../../../src/deploy/types.js';
import type { ComposeProject } from '../../../../src/targets/docker/commands.js';
import { COMPOSE_V1, COMPOSE_V2 } from '../../../../src/targets/docker/compose-cli.js';
import { parseContainerInspect } from '../../../../src/targets/docker/parse.js';
import { scriptedRunner, type Expected, type ScriptedRunner } from '../../../support/scripted-runner.js';
import { fixture, tempDir } from '../../helpers.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const project: ComposeProject = { project: 'shop', files: ['docker-compose.yml', 'prod.yml'], service: 'web', cwd: '/srv/shop' };
const SHA = 'a'.repeat(40);

describe('compose argv builders', () => {
  it('v1: the first deploy starts the dependencies, with OPSCTL_RELEASE in the env and the config folder as cwd', () => {
    expect(composeCommands.up(COMPOSE_V1, project, SHA, { noDeps: false })).toEqual({
      file: 'docker-compose',
      args: ['-p', 'shop', '-f', 'docker-compose.yml', '-f', 'prod.yml', 'up', '-d', 'web'],
      env: { OPSCTL_RELEASE: SHA },
      cwd: '/srv/shop',
      readOnly: false,
    });
  });

  it('v2: later deploys recreate the service alone and keep its container count', () => {
    const cmd = composeCommands.up(COMPOSE_V2, project, SHA, { noDeps: true, scale: 3 });
    expect([cmd.file, ...cmd.args]).toEqual(['docker', 'compose', '-p', 'shop', '-f', 'docker-compose.yml', '-f', 'prod.yml', 'up', '-d', '--no-deps', '--scale', 'web=3', 'web']);
  });

  it('scale adds or removes containers without recreating the others', () => {
    const cmd = composeCommands.scale(COMPOSE_V1, project, SHA, 4);
    expect(cmd.args.slice(6)).toEqual(['up', '-d', '--no-deps', '--scale', 'web=4', '--no-recreate', 'web']);
    expect(cmd).toMatchObject({ env: { OPSCTL_RELEASE: SHA }, readOnly: false });
  });

  it('the image check is read-only', () => {
    expect(dockerCommands.imageId('shop:abc')).toMatchObject({ file: 'docker', args: ['image', 'inspect', '--format', '{{.Id}}', 'shop:abc'], readOnly: true });
  });
});

describe('sampleContainers (captured docker inspect)', () => {
  it('two healthy containers on the release image are ready; the fingerprint holds ids, restarts and start times', () => {
    const sample = sampleContainers(parseContainerInspect(fixture('docker/deploy/compose-healthy-inspect.json')), 'opsctl-test/app:aaa');
    expect(sample).toMatchObject({ ready: true, summary: '2/2 running', problems: [] });
    expect(sample.fingerprint).toMatch(/^\w{12}:0:2026-[^,]+,\w{12}:0:2026-/);
  });

  it('another release image is not ready', () => {
    const sample = sampleContainers(parseContainerInspect(fixture('docker/deploy/compose-healthy-inspect.json')), 'opsctl-test/app:bbb');
    expect(sample.ready).toBe(false);
    expect(sample.problems).toContain('opsctlunit_web_1 runs opsctl-test/app:aaa, not opsctl-test/app:bbb');
  });

  it('health starting and a restarting container are problems', () => {
    const sample = sampleContainers(parseContainerInspect(fixture('docker/deploy/compose-starting-inspect.json')), 'opsctl-test/app:bbb');
    expect(sample.ready).toBe(false);
    expect(sample.summary).toBe('2/3 running, 1 restarting');
    expect(sample.problems).toEqual(expect.arrayContaining(['opsctlunit_web_1 is starting', 'opsctlunit_crashy_1 is restarting']));
  });

  it('a release container that exited, or restarted twice, is conclusive; one of another image is not the release\'s fault', () => {
    const [web] = parseContainerInspect(fixture('docker/deploy/compose-healthy-inspect.json'));
    const exited = { ...web!, state: 'exited', exitCode: 3 };
    expect(sampleContainers([exited], web!.image).fatal).toEqual([`${web!.name} exited with code 3`]);
    expect(sampleContainers([{ ...web!, restarts: 2 }], web!.image).fatal).toEqual([`${web!.name} restarted 2 times since it was created (crash loop)`]);
    expect(sampleContainers([exited], 'other:1').fatal).toBeUndefined();
    expect(sampleContainers([web!], web!.image).fatal).toBeUndefined();
  });

  it('no container at all is not ready', () => {
    expect(sampleContainers([], 'x:1')).toMatchObject({ ready: false, problems: ['no container of the service exists'] });
  });
});

const release: PreparedRelease = { sha: SHA, shortSha: 'aaaaaaa', root: '/r', dir: '/r', image: `shop:${SHA}` };
const ids = (stdout: string): Expected => ({
  file: 'docker',
  args: ['ps', '-a', '-q', '--no-trunc', '--filter', 'label=com.docker.compose.project=shop', '--filter', 'label=com.docker.compose.service=web'],
  stdout,
});
const v1Only: Expected[] = [{ file: 'docker', args: ['compose', 'version', '--short'], exitCode: 125, stderr: "docker: 'compose' is not a docker command." }];

function driverWith(runner: ScriptedRunner, dir = '/srv/shop', image: string | null = 'shop') {
  const deps = { runner, env: {}, log: {}, environment: { app: 'shop', dir }, releasesDir: '/x', now: Date.now } as unknown as DriverDeps;
  return createComposeDriver({ file: 'docker-compose.yml', service: 'web', ...(image ? { image } : {}) }, deps);
}

describe('compose driver', () => {
  it('the first deploy runs up without --no-deps (docker-compose v1 when the plugin is missing)', async () => {
    const runner = scriptedRunner([...v1Only, ids(''), { file: 'docker-compose', args: ['-p', 'shop', '-f', 'docker-compose.yml', 'up', '-d', 'web'], readOnly: false }]);
    await driverWith(runner).activate(release, new AbortController().signal);
    expect(runner.ran.at(-1)!.env).toEqual({ OPSCTL_RELEASE: SHA });
  });

  it('scale reads the running release from the containers image tag', async () => {
    const inspect = fixture('docker/deploy/compose-healthy-inspect.json').replaceAll('opsctl-test/app:aaa', `shop:${SHA}`);
    const runner = scriptedRunner([
      ...v1Only,
      ids('c1 c2'),
      { file: 'docker', args: ['inspect', 'c1', 'c2'], stdout: inspect },
      { file: 'docker-compose', args: ['-p', 'shop', '-f', 'docker-compose.yml', 'up', '-d', '--no-deps', '--scale', 'web=2', '--no-recreate', 'web'] },
      ids('c1 c2'),
      { file: 'docker', args: ['inspect', 'c1', 'c2'], stdout: inspect },
    ]);
    await driverWith(runner).scale(2, new AbortController().signal);
    expect(runner.ran[3]!.env).toEqual({ OPSCTL_RELEASE: SHA });
  });

  it('preflight names target.compose.image and a file that does not mention OPSCTL_RELEASE', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'docker-compose.yml'), 'services:\n  web:\n    image: shop:latest\n');
    const runner = scriptedRunner([{ file: 'docker', args: ['version', '--format', '{{.Server.Version}}'], stdout: '20.10.24' }, ...v1Only, { file: 'docker-compose', args: ['version', '--short'], stdout: '1.29.2' }]);
    const problems = await driverWith(runner, dir, null).preflight();
    expect(problems).toEqual([
      expect.stringMatching(/^target\.compose\.image is not set/),
      'docker-compose.yml does not mention OPSCTL_RELEASE: write the service\'s image as `image: <image>:${OPSCTL_RELEASE}` so each release runs its own build.',
    ]);
  });

  it('preflight stops at an unreachable engine', async () => {
    const runner = scriptedRunner([{ file: 'docker', args: ['version', '--format', '{{.Server.Version}}'], exitCode: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' }]);
    expect(await driverWith(runner).preflight()).toEqual([expect.stringMatching(/^The docker engine is not reachable \(Cannot connect to the Docker daemon/)]);
  });
});

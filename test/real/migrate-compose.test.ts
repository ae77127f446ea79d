// source.migrate for compose: each command runs in a one-off container of the release image
// (`compose run --rm` of the service), with the service's environment, and leaves no container behind.
// A real Docker engine, compose (v2 plugin or v1), release images built from a real git repo; no swarm.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations, type MigrationRun } from '../../src/deploy/migrate.js';
import { createRunner } from '../../src/process/runner.js';
import { makeTempDir, removeTempDirs, uniqueSuffix } from '../support/real-cli.js';
import { createTestContext } from '../support/context.js';
import { buildRelease, containersWithLabel, docker, imageTags, makeReleaseRepo, removeImage } from '../support/real-docker.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('docker-compose', 'busybox', 'git');

describe.skipIf(!available)('source.migrate in a one-off container of the release image (real docker compose)', () => {
  const suffix = uniqueSuffix();
  const project = `opsctlmigr${suffix}`;
  const image = `opsctl-real/migrate-${suffix}`;
  let repo: string;
  let shas: string[];

  beforeAll(async () => {
    repo = makeTempDir('migrate-compose-repo');
    shas = await makeReleaseRepo(repo, [{ version: '1' }, { version: '2' }]);
    for (const sha of shas) await buildRelease(repo, sha, image);
  }, 300_000);

  afterAll(async () => {
    const left = await containersWithLabel(`com.docker.compose.project=${project}`).catch(() => []);
    if (left.length > 0) await docker(['rm', '-f', ...left], { allowFailure: true });
    await docker(['network', 'rm', `${project}_default`], { allowFailure: true });
    for (const tag of await imageTags(image).catch(() => [])) await removeImage(tag);
    removeTempDirs();
  });

  function setup(migrate: string[]) {
    const config = `version: 1
app: migr
environments:
  prod:
    target: { compose: { project: ${project}, service: web, image: ${image} } }
    source: { repo: ., migrate: ${JSON.stringify(migrate)} }
    databases: { main: { type: postgres, url: "postgres://app@127.0.0.1:1/app" } }
    backup: { databases: [main], beforeDeploy: true }
`;
    const t = createTestContext({ config, dotenv: 'DB_PASSWORD=s3cret-compose\n', env: { PATH: process.env.PATH } });
    const services = { web: { image: `${image}:\${OPSCTL_RELEASE}`, environment: ['MIGRATE_MARK=from-compose', 'DB_PASSWORD', 'OPSCTL_RELEASE'] } };
    writeFileSync(path.join(t.dir, 'docker-compose.yml'), JSON.stringify({ services }, null, 2));
    const ctx = { ...t.ctx, runner: createRunner({ dryRun: false, verbose: true, signal: t.controller.signal, log: (line) => t.logs.push(line), env: process.env }) };
    return { ctx, env: ctx.environment(), logs: t.logs, dir: t.dir };
  }
  const release = (sha: string) => ({ sha, shortSha: sha.slice(0, 7), root: repo, dir: repo, image: `${image}:${sha}` });

  it('runs in the image of the release given, with the service\'s environment; the password only in the environment; no container left', async () => {
    const { ctx, env, logs } = setup(['/bin/busybox sh -c "echo version=$(cat /www/version) mark=$MIGRATE_MARK pw=${#DB_PASSWORD} release=$OPSCTL_RELEASE"']);
    const runs: MigrationRun[] = [];
    await runMigrations(ctx, env, release(shas[1]!), runs);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.exitCode).toBe(0);
    expect(runs[0]!.output).toContain(`version=2 mark=from-compose pw=14 release=${shas[1]}`);
    expect(runs[0]!.command).toMatch(new RegExp(`^(docker-compose|docker compose) -p ${project} -f docker-compose.yml run --rm -T web /bin/busybox sh -c`));
    expect(logs.join('\n')).not.toContain('s3cret-compose');
    expect(await containersWithLabel(`com.docker.compose.project=${project}`)).toEqual([]);

    const older: MigrationRun[] = [];
    await runMigrations(ctx, env, release(shas[0]!), older);
    expect(older[0]!.output).toContain('version=1');
  }, 300_000);

  it('a failing command stops the rest and throws, its output kept', async () => {
    const { ctx, env } = setup(['/bin/busybox sh -c "echo broken migration >&2; exit 3"', '/bin/busybox echo never']);
    const runs: MigrationRun[] = [];
    await expect(runMigrations(ctx, env, release(shas[1]!), runs)).rejects.toThrow(/^migration .* failed \(exit 3\): broken migration\.$/);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ exitCode: 3, output: expect.stringContaining('broken migration') });
  }, 300_000);
});

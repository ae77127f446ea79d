import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, uniqueSuffix, writeConfig } from '../support/real-cli.js';
import { buildBusyboxImage, docker, removeImage } from '../support/real-docker.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('docker', 'busybox');

describe.skipIf(!available)('cleanup docker against a real engine: old release images, stopped containers of the project, dangling images', () => {
  const suffix = uniqueSuffix();
  const repo = `opsctl-real-cleanup-${suffix}`;
  const project = `opsctlclean${suffix}`;
  const releases = ['r1', 'r2', 'r3', 'r4', 'r5'].map((tag) => `${repo}:${tag}`);
  const dangleTag = `${repo}-dangle:x`;
  const containers = { inUse: `opsctl-clean-use-${suffix}`, mine: `opsctl-clean-mine-${suffix}`, other: `opsctl-clean-other-${suffix}` };
  const ids: Record<string, string> = {};
  let dir: string;

  beforeAll(async () => {
    await ensureBuilt();
    // Created time is per image id: each release is its own import, one after the other, r1 the oldest.
    for (const tag of releases) {
      await buildBusyboxImage(tag);
      ids[tag] = (await docker(['image', 'inspect', '--format', '{{.Id}}', tag])).trim();
    }
    // Importing twice under one tag leaves the first image untagged: dangling.
    await buildBusyboxImage(dangleTag);
    ids.dangling = (await docker(['image', 'inspect', '--format', '{{.Id}}', dangleTag])).trim();
    await buildBusyboxImage(dangleTag);
    // r1 is used by a stopped container of no project; r5 by a stopped container of this project.
    await docker(['create', '--name', containers.inUse, releases[0]!]);
    await docker(['create', '--name', containers.mine, '--label', `com.docker.compose.project=${project}`, releases[4]!]);
    await docker(['create', '--name', containers.other, '--label', `com.docker.compose.project=${project}other`, releases[4]!]);
    dir = makeTempDir('cleanup-docker');
    const target = { compose: { project, service: 'app', image: repo } };
    writeConfig(dir, {
      version: 1,
      app: 'tidy',
      environments: {
        young: { target, cleanup: { docker: { olderThan: '1h', keepReleases: 2 } } },
        staging: { target, cleanup: { docker: { olderThan: '1s', keepReleases: 2 } } },
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
  }, 300_000);

  afterAll(async () => {
    await docker(['rm', '-f', ...Object.values(containers)], { allowFailure: true });
    for (const tag of [...releases, dangleTag]) await removeImage(tag);
    for (const id of Object.values(ids)) await docker(['image', 'rm', '-f', id], { allowFailure: true });
    removeTempDirs();
  }, 120_000);

  const exists = async (kind: 'image' | 'container', ref: string) => (await docker([kind, 'inspect', '--format', '{{.Id}}', ref], { allowFailure: true })).trim() !== '';

  it('olderThan keeps young release images; --dry-run removes nothing', async () => {
    const result = await runCli(['cleanup', '-e', 'young', '--only', 'docker', '--dry-run', '--json'], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode, result.stderr).toBe(0);
    const whats: string[] = parseJson(result.stdout).planned.map((p: { what: string }) => p.what);
    expect(whats.filter((w) => w.includes(repo + ':'))).toEqual([]);
    expect(whats).toContain(`container ${containers.mine} (${(await docker(['inspect', '--format', '{{.Id}}', containers.mine])).trim().slice(0, 12)})`);
    expect(await exists('container', containers.mine)).toBe(true);
  });

  it('removes the stopped container of the project, the dangling image and old releases; keeps the newest 2, the one in use and other projects', async () => {
    const result = await runCli(['cleanup', '-e', 'staging', '--only', 'docker', '--yes', '--json'], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode, result.stderr).toBe(0);
    const data = parseJson(result.stdout);
    const removed: string[] = data.removed.map((r: { what: string }) => r.what);
    expect(removed.filter((w) => w.includes(`${repo}:`))).toEqual([`image ${releases[2]} (${ids[releases[2]!]!.slice(7, 19)})`, `image ${releases[1]} (${ids[releases[1]!]!.slice(7, 19)})`]);
    expect(removed.some((w) => w.includes(ids.dangling!.slice(7, 19)))).toBe(true);
    expect(data.failed).toEqual([]);
    expect(data.freedBytes).toBeGreaterThan(0);
    expect(await exists('container', containers.mine)).toBe(false);
    expect(await exists('container', containers.other)).toBe(true);
    expect(await exists('container', containers.inUse)).toBe(true);
    for (const tag of [releases[0]!, releases[3]!, releases[4]!]) expect(await exists('image', tag), tag).toBe(true);
    for (const tag of [releases[1]!, releases[2]!]) expect(await exists('image', tag), tag).toBe(false);
    expect(await exists('image', ids.dangling!)).toBe(false);
  });
});

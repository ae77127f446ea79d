import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, uniqueSuffix, writeConfig } from '../support/real-cli.js';
import { buildBusyboxImage, compose, containersWithLabel, docker, removeImage } from '../support/real-docker.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('docker-compose', 'busybox');

interface Instance {
  name: string;
  id: string;
  state: string;
  image: string;
  service?: string;
  cpuPercent?: number;
  memoryBytes?: number;
  uptimeMs?: number;
}

describe.skipIf(!available)('status against a real docker compose project', () => {
  const suffix = uniqueSuffix();
  const project = `opsctlreal${suffix}`;
  const image = `opsctl-real/busybox:${suffix}`;
  let dir: string;
  let file: string;
  let up = false;

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('compose');
    await buildBusyboxImage(image);
    file = path.join(dir, 'docker-compose.yml');
    const services = { app: { image }, worker: { image, command: ['sleep', '3600'] } };
    writeFileSync(file, JSON.stringify({ version: '3', services }, null, 2));
    writeConfig(dir, {
      version: 1,
      app: 'realcompose',
      environments: {
        staging: { target: { compose: { file: 'docker-compose.yml', project, service: 'app' } } },
        empty: { target: { compose: { file: 'docker-compose.yml', project: `${project}none`, service: 'app' } } },
      },
    });
    up = true;
    await compose(project, file, ['up', '-d']);
    // A stopped service: busybox sleep as pid 1 ignores SIGTERM, so stop kills it after 1 s.
    await compose(project, file, ['stop', '-t', '1', 'worker']);
  });

  afterAll(async () => {
    if (up) await compose(project, file, ['down', '-t', '1']).catch(() => undefined);
    // Whatever compose left, by label.
    const left = await containersWithLabel(`com.docker.compose.project=${project}`).catch(() => []);
    if (left.length > 0) await docker(['rm', '-f', ...left], { allowFailure: true });
    await removeImage(image);
    removeTempDirs();
  });

  async function statusJson(envName: string): Promise<{ target: { kind: string; name: string; instances: Instance[]; notes: string[] } }> {
    const result = await runCli(['status', '--json', '-e', envName], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode, result.stderr).toBe(0);
    return parseJson(result.stdout);
  }

  it('--json lists the running container with image, cpu, memory, uptime and its compose service', async () => {
    const data = await statusJson('staging');
    expect(data.target).toMatchObject({ kind: 'compose', name: `${project}/app` });
    const [appId] = await containersWithLabel(`com.docker.compose.project=${project}`, 'com.docker.compose.service=app');
    const app = data.target.instances.find((i) => i.service === 'app');
    expect(app, JSON.stringify(data.target.instances)).toBeDefined();
    expect(appId!.startsWith(app!.id)).toBe(true);
    expect(app!.name).toBe((await docker(['inspect', '--format', '{{.Name}}', appId!])).trim().replace(/^\//, ''));
    expect(app).toMatchObject({ state: 'running', image });
    expect(app!.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(app!.memoryBytes).toBeGreaterThan(0);
    expect(app!.uptimeMs).toBeGreaterThanOrEqual(0);
  });

  it('a stopped container shows as exited, without cpu or memory', async () => {
    const data = await statusJson('staging');
    expect(data.target.instances).toHaveLength(2);
    const worker = data.target.instances.find((i) => i.service === 'worker');
    expect(worker).toMatchObject({ state: 'exited', image });
    expect(worker!.cpuPercent).toBeUndefined();
    expect(worker!.memoryBytes).toBeUndefined();
  });

  it('the human table shows each container with its state', async () => {
    const result = await runCli(['status', '-e', 'staging'], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`compose ${project}/app: 1 running`);
    const rows = result.stdout.split('\n');
    expect(rows.find((r) => r.includes('running') && r.includes(image))).toBeDefined();
    expect(rows.find((r) => r.includes('exited') && r.includes(image))).toBeDefined();
  });

  it('a project without containers is reported, not an error', async () => {
    const data = await statusJson('empty');
    expect(data.target.instances).toEqual([]);
    expect(data.target.notes.join('\n')).toContain(`No containers of compose project ${project}none`);
  });
});

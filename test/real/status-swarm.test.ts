// Swarm tests take the swarm lease (test/support/real-swarm.ts): swarm init and leave must not race another file.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, uniqueSuffix, waitFor, writeConfig } from '../support/real-cli.js';
import { buildBusyboxImage, containersWithLabel, docker, removeImage } from '../support/real-docker.js';
import { requireTools } from '../support/real-tools.js';
import { requireSwarm, takeSwarmLease, type SwarmLease } from '../support/real-swarm.js';

const available = requireSwarm() && requireTools('busybox');

interface Task {
  name: string;
  id: string;
  state: string;
  image: string;
  node: string;
  service: string;
  cpuPercent?: number;
  memoryBytes?: number;
}

describe.skipIf(!available)('status against a real swarm service (docker stack deploy)', () => {
  const suffix = uniqueSuffix();
  const stack = `opsctlreal${suffix}`;
  const service = `${stack}_web`;
  const image = `opsctl-real/busybox:${suffix}`;
  let dir: string;
  let lease: SwarmLease | undefined;
  let deployed = false;
  let imageBuilt = false;

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('swarm');
    lease = await takeSwarmLease();
    await buildBusyboxImage(image);
    imageBuilt = true;
    const file = path.join(dir, 'docker-stack.yml');
    writeFileSync(file, JSON.stringify({ version: '3.8', services: { web: { image, stop_grace_period: '1s', deploy: { replicas: 2 } } } }, null, 2));
    writeConfig(dir, {
      version: 1,
      app: 'realswarm',
      environments: {
        cluster: { target: { swarm: { stack, service: 'web', file: 'docker-stack.yml' } } },
        absent: { target: { swarm: { stack: `${stack}none`, service: 'web' } } },
      },
    });
    deployed = true;
    // The image exists only on this node: do not ask a registry for its digest.
    await docker(['stack', 'deploy', '--resolve-image', 'never', '-c', file, stack]);
    await waitFor('2 running tasks', async () => {
      const states = (await docker(['service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.CurrentState}}'])).split('\n').filter(Boolean);
      return states.length === 2 && states.every((s) => s.startsWith('Running'));
    }, 90_000, 500);
    // Waiting for the lease (another file's swarm tests) counts against this hook.
  }, 1_080_000);

  afterAll(async () => {
    if (deployed) {
      await docker(['stack', 'rm', stack], { allowFailure: true });
      // stack rm returns before its containers are gone.
      await waitFor('the stack containers to go', async () => (await containersWithLabel(`com.docker.stack.namespace=${stack}`)).length === 0, 60_000, 500).catch(
        async () => docker(['rm', '-f', ...(await containersWithLabel(`com.docker.stack.namespace=${stack}`))], { allowFailure: true }),
      );
    }
    if (imageBuilt) await removeImage(image);
    await lease?.release();
    removeTempDirs();
  });

  it('--json lists both tasks running with the desired replicas, image and node', async () => {
    const result = await runCli(['status', '--json'], { cwd: dir, env: cleanEnv({ OPSCTL_ENV: 'cluster' }) });
    expect(result.exitCode, result.stderr).toBe(0);
    const { target } = parseJson(result.stdout) as { target: { kind: string; name: string; desired: number; instances: Task[] } };
    expect(target).toMatchObject({ kind: 'swarm', name: service, desired: 2 });
    const node = (await docker(['node', 'inspect', 'self', '--format', '{{.Description.Hostname}}'])).trim();
    const taskIds = (await docker(['service', 'ps', service, '--filter', 'desired-state=running', '--no-trunc', '--format', '{{.ID}}'])).split('\n').filter(Boolean);
    expect(target.instances.map((t) => t.name).sort()).toEqual([`${service}.1`, `${service}.2`]);
    expect(target.instances.map((t) => t.id).sort()).toEqual(taskIds.map((id) => id.slice(0, 12)).sort());
    for (const task of target.instances) {
      expect(task).toMatchObject({ state: 'running', image, node, service });
      // The tasks run on this node, so their containers' cpu and memory are known.
      expect(task.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(task.memoryBytes).toBeGreaterThan(0);
    }
  });

  it('the human table shows 2/2 running and the node column', async () => {
    const result = await runCli(['status', '-e', 'cluster'], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`swarm ${service}: 2/2 running`);
    const header = result.stdout.split('\n').find((line) => /\bname\b/.test(line) && /\bnode\b/.test(line));
    expect(header, result.stdout).toBeDefined();
    expect(result.stdout.split('\n').filter((line) => line.includes(`${service}.`) && line.includes('running'))).toHaveLength(2);
  });

  it('a stack that is not deployed is reported, not an error', async () => {
    const result = await runCli(['status', '--json', '-e', 'absent'], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode, result.stderr).toBe(0);
    const { target } = parseJson(result.stdout);
    expect(target.instances).toEqual([]);
    expect(target.notes.join('\n')).toContain(`No swarm service ${stack}none_web`);
  });
});

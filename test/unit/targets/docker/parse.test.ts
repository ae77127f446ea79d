import { describe, expect, it } from 'vitest';
import { dockerCommands, normalizeProjectName } from '../../../../src/targets/docker/commands.js';
import { parseContainerInspect, parseServiceInspect, parseServicePs, parseSize, parseStats } from '../../../../src/targets/docker/parse.js';
import { fixture } from '../../helpers.js';

describe('parseContainerInspect', () => {
  it('reads name, state, health, restarts, start time, image and labels', () => {
    const [oneOff, flaky, app] = parseContainerInspect(fixture('docker/compose-project/inspect.json'));
    expect(app).toEqual({
      id: '71358b385b20',
      name: 'opsctlunit_app_1',
      state: 'running',
      health: 'healthy',
      restarts: 0,
      startedAt: expect.stringMatching(/^2026-11-23T01:0\d:\d\d\.\d+Z$/),
      image: 'opsctl-test/busybox:1',
      labels: expect.objectContaining({ 'com.docker.compose.service': 'app', 'com.docker.compose.oneoff': 'False' }),
    });
    expect(oneOff!.labels['com.docker.compose.oneoff']).toBe('True');
    expect(flaky).toMatchObject({ name: 'opsctlunit_flaky_1', state: 'exited', restarts: 2, health: undefined });
  });

  it('gives a container that is not running no start time', () => {
    const [, exited] = parseContainerInspect(fixture('docker/inspect-exited.json'));
    expect(exited).toMatchObject({ name: 'opsctlunit-exited', state: 'exited', startedAt: undefined });
  });

  it('reads no containers from empty output', () => {
    expect(parseContainerInspect('')).toEqual([]);
  });
});

describe('parseStats', () => {
  it('reads KiB memory and CPU percent', () => {
    expect(parseStats(fixture('docker/stats.jsonl'))).toEqual([
      { id: '334a4b1eb8a3', cpuPercent: 0, memoryBytes: 556 * 1024 },
      { id: '8e43cc48297b', cpuPercent: 0, memoryBytes: 600 * 1024 },
    ]);
  });

  it('reads GiB, MiB and 0B, with ids cut to 12 characters', () => {
    expect(parseStats(fixture('docker/stats-sizes.jsonl'))).toEqual([
      { id: '9a0bf76a424d', cpuPercent: 0, memoryBytes: Math.round(1.175 * 1024 ** 3) },
      { id: '9d3b60a58a47', cpuPercent: 0, memoryBytes: Math.round(40.42 * 1024 ** 2) },
      { id: '7c02b711b1de', cpuPercent: 0, memoryBytes: 0 },
    ]);
  });

  it('reads a non-zero CPU percent', () => {
    expect(parseStats(fixture('docker/compose-project/stats.jsonl')).map((s) => s.cpuPercent)).toEqual([1.12, 1.03]);
  });

  it.each([
    ['1.11kB', 1110],
    ['12.5MB', 12_500_000],
    ['2GB', 2_000_000_000],
    ['1TiB', 1024 ** 4],
    ['--', undefined],
    ['', undefined],
    ['5 parsecs', undefined],
  ])('parseSize(%j) -> %s', (text, bytes) => expect(parseSize(text)).toBe(bytes));
});

describe('parseServicePs', () => {
  it('reads every task with its slot, including the shut-down history of each slot', () => {
    const tasks = parseServicePs(fixture('docker/swarm/service-ps.jsonl'));
    expect(tasks[0]).toEqual({ id: '80ov2b47jl38zxwdk5ktwfeij', slot: 'opsctlunit_app.1', image: 'opsctl-test/busybox:1', node: 'vm', desiredState: 'Running', currentState: 'Running 32 seconds ago', error: '' });
    expect(tasks.map((t) => `${t.slot} ${t.desiredState}`)).toEqual([
      'opsctlunit_app.1 Running',
      'opsctlunit_app.1 Shutdown',
      'opsctlunit_app.2 Running',
      'opsctlunit_app.2 Shutdown',
    ]);
  });

  it('keeps the error of failed tasks', () => {
    const tasks = parseServicePs(fixture('docker/swarm/crashy-ps.jsonl'));
    expect(tasks.map((t) => t.currentState.split(' ')[0])).toEqual(['Ready', 'Failed', 'Failed', 'Failed']);
    expect(tasks[1]!.error).toContain('task: non-zero exit (7)');
  });
});

describe('parseServiceInspect', () => {
  it('reads name, replicas, image and the state of the last update', () => {
    expect(parseServiceInspect(fixture('docker/swarm/service-inspect.json'))).toEqual({
      name: 'opsctlunit_app',
      replicas: 2,
      image: 'opsctl-test/busybox:1',
      updateState: 'completed',
      updateMessage: 'update completed',
    });
  });

  it('reads a paused update', () => {
    expect(parseServiceInspect(fixture('docker/swarm/service-inspect-paused.json'))).toMatchObject({
      updateState: 'paused',
      updateMessage: 'update paused due to failure or early termination of task aanp9b1e9e0yuvibvy7eo1kws',
    });
  });

  it('reads a service never updated, and the array form of plain `docker service inspect`', () => {
    const once = fixture('docker/service-inspect.json');
    expect(parseServiceInspect(once)).toEqual({ name: 'stk_app', replicas: 2, image: 'opsctl-test/busybox:1', updateState: undefined, updateMessage: undefined });
    expect(parseServiceInspect(`[${once}]`)).toEqual(parseServiceInspect(once));
  });
});

describe('docker commands', () => {
  it('normalizes a compose project name the way compose does', () => {
    // Captured: `docker-compose -p OpsctlUnit up` labelled its containers with this project.
    const label = parseContainerInspect(fixture('docker/compose-project/inspect.json'))[0]!.labels['com.docker.compose.project'];
    expect(normalizeProjectName('OpsctlUnit')).toBe(label);
    expect(normalizeProjectName('My.App_2-x')).toBe('myapp_2-x');
  });

  it('builds read-only probes', () => {
    expect(dockerCommands.containerIds(['com.docker.compose.project=demo'])).toEqual({
      file: 'docker',
      args: ['ps', '-a', '-q', '--no-trunc', '--filter', 'label=com.docker.compose.project=demo'],
      readOnly: true,
    });
    expect(dockerCommands.stats(['abc'])).toEqual({ file: 'docker', args: ['stats', '--no-stream', '--no-trunc', '--format', '{{json .}}', 'abc'], readOnly: true });
  });
});

import type { SwarmTarget } from '../../config/schema.js';
import { toolFailure, type Runner } from '../../process/runner.js';
import { dockerCommands } from '../docker/commands.js';
import { listContainers, uptimeOf } from '../docker/containers.js';
import { releaseOfImage } from '../docker/preflight.js';
import { parseServiceInspect, parseServicePs, type TaskInfo } from '../docker/parse.js';
import type { Instance, Target, TargetStatus } from '../types.js';

export interface SwarmDeps {
  runner: Runner;
  now?: () => number;
}

const CRASHED = /^(Failed|Rejected)\b/;

export function swarmServiceName(config: SwarmTarget): string {
  return `${config.stack}_${config.service}`;
}

export function createSwarmTarget(config: SwarmTarget, deps: SwarmDeps): Target {
  const service = swarmServiceName(config);
  return {
    kind: 'swarm',
    name: service,
    async status(): Promise<TargetStatus> {
      const inspectCommand = dockerCommands.serviceInspect(service);
      const inspected = await deps.runner.run(inspectCommand, { allowFailure: true });
      if (inspected.exitCode !== 0) {
        // Only "no such service" is a state worth showing; a down engine or a worker node is an error.
        if (!/no such service/i.test(inspected.stderr)) throw toolFailure(inspectCommand, inspected);
        return { kind: 'swarm', name: service, instances: [], notes: [`No swarm service ${service}: the stack is not deployed.`] };
      }
      const info = parseServiceInspect(inspected.stdout);
      const tasks = parseServicePs((await deps.runner.run(dockerCommands.servicePs(service))).stdout);
      // CPU and memory are known only for tasks whose containers run on this node.
      const local = await listContainers(deps.runner, [`com.docker.swarm.service.name=${service}`]);
      const now = (deps.now ?? Date.now)();
      const instances = currentTasks(tasks).map((task): Instance => {
        const container = local.find((c) => c.labels['com.docker.swarm.task.id'] === task.id);
        return {
          name: task.slot,
          id: task.id.slice(0, 12),
          state: task.currentState.split(' ')[0]!.toLowerCase(),
          restarts: tasks.filter((t) => t.slot === task.slot && t.id !== task.id && CRASHED.test(t.currentState)).length,
          cpuPercent: container?.stats?.cpuPercent,
          memoryBytes: container?.stats?.memoryBytes,
          startedAt: container?.startedAt,
          uptimeMs: uptimeOf(container?.startedAt, now),
          image: task.image,
          release: releaseOfImage(task.image),
          node: task.node,
          service,
          message: task.error || undefined,
        };
      });
      const notes = info.updateState && info.updateState !== 'completed' ? [`update ${info.updateState}: ${info.updateMessage ?? ''}`.trim()] : [];
      return { kind: 'swarm', name: service, instances, desired: info.replicas, notes };
    },
  };
}

const isWanted = (t: TaskInfo) => t.desiredState === 'Running' || t.desiredState === 'Ready';

/**
 * One task per slot: the one desired Running (or Ready while it starts); for a slot swarm gave up
 * on, its newest task (docker lists newest first) so the failure and its error stay visible. Slots
 * shut down on purpose (scaled down) are left out.
 */
function currentTasks(tasks: readonly TaskInfo[]): TaskInfo[] {
  const slots = [...new Set(tasks.map((t) => t.slot))];
  return slots.flatMap((slot) => {
    const ofSlot = tasks.filter((t) => t.slot === slot);
    const wanted = ofSlot.find(isWanted);
    if (wanted) return [wanted];
    const newest = ofSlot[0]!;
    return CRASHED.test(newest.currentState) || newest.error ? [newest] : [];
  });
}

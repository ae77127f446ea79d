import { OpsError } from '../../errors.js';
import { toolFailure, type Runner } from '../../process/runner.js';
import { dockerCommands } from '../docker/commands.js';
import { parseServiceInspect, parseServicePs, type ServiceInfo, type TaskInfo } from '../docker/parse.js';
import { sampleTasks } from '../docker/samples.js';
import { waitUntil } from '../docker/wait.js';

/** Update states after which swarm no longer moves towards the new image on its own. */
const GAVE_UP = new Set(['paused', 'rollback_started', 'rollback_paused', 'rollback_completed']);

/** The service's spec and update status; undefined when it does not exist (the stack is not deployed). */
export async function inspectService(runner: Runner, service: string): Promise<ServiceInfo | undefined> {
  const cmd = dockerCommands.serviceInspect(service);
  const result = await runner.run(cmd, { allowFailure: true });
  if (result.exitCode === 0) return parseServiceInspect(result.stdout);
  // Only "no such service" means absent; a down engine or a worker node is an error.
  if (/no such service/i.test(result.stderr)) return undefined;
  throw toolFailure(cmd, result);
}

export async function serviceTasks(runner: Runner, service: string): Promise<TaskInfo[]> {
  return parseServicePs((await runner.run(dockerCommands.servicePs(service))).stdout);
}

/** One sentence per reason this engine cannot deploy a stack: not in a swarm, or a worker. */
export async function swarmProblems(runner: Runner): Promise<string[]> {
  const [state, manager] = (await runner.run(dockerCommands.swarmRole())).stdout.trim().split(/\s+/);
  if (state !== 'active') return [`This docker engine is not in a swarm (node state ${state || 'unknown'}); run \`docker swarm init\` or point DOCKER_HOST at a swarm manager.`];
  if (manager !== 'true') return ['This docker engine is a swarm worker; deploy from a manager node (DOCKER_HOST or a docker context).'];
  return [];
}

/** Swarm stopped or undid the update: its own message says why (a task that exited, a failed start). */
export function gaveUpError(service: ServiceInfo, image: string): OpsError | undefined {
  if (!service.updateState || !GAVE_UP.has(service.updateState)) return undefined;
  return new OpsError(
    `Swarm did not update ${service.name} to ${image}: update ${service.updateState}: ${service.updateMessage ?? 'no message'}.`,
    `See why the new tasks failed with \`docker service ps --no-trunc ${service.name}\` and \`opsctl logs\`.`,
    { updateState: service.updateState, updateMessage: service.updateMessage },
  );
}

/** Failed tasks of the new image after which the wait stops: on a first deploy swarm would retry forever. */
const FAILURES_TO_GIVE_UP = 3;

/** Until the desired replicas run `image` and the update is over; throws as soon as swarm gives up. */
export function waitConverged(runner: Runner, service: string, image: string, signal: AbortSignal): Promise<void> {
  return waitUntil(`${service} converging on ${image}`, async () => {
    const info = await inspectService(runner, service);
    if (!info) return { done: false, state: `service ${service} does not exist yet` };
    const gaveUp = gaveUpError(info, image);
    if (gaveUp) throw gaveUp;
    const tasks = await serviceTasks(runner, service);
    const failed = tasks.filter((t) => t.image === image && /^(Failed|Rejected)\b/.test(t.currentState));
    if (failed.length >= FAILURES_TO_GIVE_UP) {
      throw new OpsError(`${failed.length} tasks of ${image} failed: ${failed[0]!.error || failed[0]!.currentState}.`, `See \`docker service ps --no-trunc ${service}\` and \`opsctl logs\`.`);
    }
    const sample = sampleTasks(info, tasks, image);
    return sample.ready ? { done: true } : { done: false, state: sample.problems.join('; ') || sample.summary };
  }, signal);
}

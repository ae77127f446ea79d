import type { ContainerInfo, ServiceInfo, TaskInfo } from '../docker/parse.js';
import { CRASH_RESTARTS, type TargetSample } from '../../deploy/types.js';

/**
 * The compose service is ready when it has containers and every one runs the release image, is
 * running (not restarting) and, when the image has a HEALTHCHECK, healthy. Ids, restart counts and
 * start times are the fingerprint: RestartCount counts only the restart policy's restarts, so a
 * `docker restart` or a daemon restart shows only in StartedAt.
 */
export function sampleContainers(containers: readonly ContainerInfo[], image: string): TargetSample {
  const sorted = [...containers].sort((a, b) => a.name.localeCompare(b.name));
  const problems = sorted.flatMap((c) => containerProblems(c, image));
  if (sorted.length === 0) problems.push('no container of the service exists');
  const running = sorted.filter((c) => c.state === 'running').length;
  const others = countBy(sorted.filter((c) => c.state !== 'running').map((c) => c.state));
  const fatal = sorted.filter((c) => c.image === image).flatMap(crashed);
  return {
    ready: problems.length === 0,
    fingerprint: sorted.map((c) => `${c.id}:${c.restarts}:${c.startedAt ?? '-'}`).join(','),
    summary: [`${running}/${sorted.length} running`, ...others].join(', '),
    problems: [...new Set([...problems, ...fatal])],
    ...(fatal.length > 0 ? { fatal } : {}),
  };
}

/**
 * A container of the release that exited, or that its restart policy restarted past the bound: each
 * release runs in new containers, so their restart count is the count since the switch.
 */
function crashed(c: ContainerInfo): string[] {
  if (c.state === 'exited' || c.state === 'dead') return [`${c.name} ${c.state}${c.exitCode === undefined ? '' : ` with code ${c.exitCode}`}`];
  return c.restarts >= CRASH_RESTARTS ? [`${c.name} restarted ${c.restarts} times since it was created (crash loop)`] : [];
}

function containerProblems(c: ContainerInfo, image: string): string[] {
  if (c.state !== 'running') return [`${c.name} is ${c.state}`];
  if (c.image !== image) return [`${c.name} runs ${c.image}, not ${image}`];
  // No HEALTHCHECK: no health status, and running is all docker knows.
  if (c.health !== undefined && c.health !== 'healthy') return [`${c.name} is ${c.health}`];
  return [];
}

/**
 * The swarm service is ready when exactly its desired replicas run the release image, no task of
 * another image is still wanted, and no update is under way or paused. The running task ids are the
 * fingerprint: swarm replaces a crashed task with a new one.
 */
export function sampleTasks(service: ServiceInfo, tasks: readonly TaskInfo[], image: string): TargetSample {
  const wanted = tasks.filter((t) => t.desiredState === 'Running' || t.desiredState === 'Ready');
  const running = wanted.filter((t) => stateOf(t) === 'running' && t.image === image);
  const desired = service.replicas ?? running.length;
  const problems: string[] = [];
  if (service.image !== image) problems.push(`${service.name} is set to ${service.image}, not ${image}`);
  if (service.updateState && !['completed', 'rollback_completed'].includes(service.updateState)) {
    problems.push(`update ${service.updateState}${service.updateMessage ? `: ${service.updateMessage}` : ''}`);
  }
  for (const t of wanted) {
    if (t.image !== image) problems.push(`${t.slot} (${t.id.slice(0, 12)}) runs ${t.image}, not ${image}`);
    else if (stateOf(t) !== 'running') problems.push(`${t.slot} is ${stateOf(t)}${t.error ? ` (${t.error})` : ''}`);
  }
  if (running.length !== desired && problems.length === 0) problems.push(`${running.length} of ${desired} replicas run ${image}`);
  const others = countBy(wanted.filter((t) => !running.includes(t)).map((t) => (t.image === image ? stateOf(t) : 'old image')));
  // Swarm replaces a task that died with a new one: the dead ones of the release image are the crashes.
  const failed = tasks.filter((t) => t.image === image && ['failed', 'rejected', 'complete'].includes(stateOf(t)));
  const fatal = failed.length >= CRASH_RESTARTS ? [`${failed.length} tasks of ${image} ${failed.length === 1 ? 'has' : 'have'} ended: ${failed[0]!.error || failed[0]!.currentState}`] : [];
  return {
    ready: problems.length === 0,
    fingerprint: running.map((t) => t.id).sort().join(','),
    summary: [`${running.length}/${desired} running`, ...others].join(', '),
    problems: [...problems, ...fatal],
    ...(fatal.length > 0 ? { fatal } : {}),
  };
}

/** "Running 5 seconds ago" -> "running". */
function stateOf(task: TaskInfo): string {
  return (task.currentState.split(' ')[0] ?? '').toLowerCase();
}

/** ["restarting", "restarting", "exited"] -> ["2 restarting", "1 exited"]. */
function countBy(states: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`);
}

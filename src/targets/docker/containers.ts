import type { Runner } from '../../process/runner.js';
import { dockerCommands } from './commands.js';
import { parseContainerInspect, parseStats, type ContainerInfo, type ContainerStats } from './parse.js';

export interface LiveContainer extends ContainerInfo {
  stats?: ContainerStats;
}

/** Containers carrying every label, with CPU and memory for the running ones. */
export async function listContainers(runner: Runner, labels: readonly string[]): Promise<LiveContainer[]> {
  const containers = await inspectContainers(runner, labels);
  const running = containers.filter((c) => c.state === 'running').map((c) => c.id);
  const stats = running.length > 0 ? parseStats((await runner.run(dockerCommands.stats(running), { allowFailure: true })).stdout) : [];
  return containers.map((c) => ({ ...c, stats: stats.find((s) => s.id === c.id) }));
}

/** Containers carrying every label, without stats (`docker stats --no-stream` takes seconds). */
export async function inspectContainers(runner: Runner, labels: readonly string[]): Promise<ContainerInfo[]> {
  const ids = (await runner.run(dockerCommands.containerIds(labels))).stdout.split(/\s+/).filter(Boolean);
  if (ids.length === 0) return [];
  // A container removed between `ps` and these calls (compose recreating it) makes them exit 1 while
  // still printing the others: keep what they printed.
  const inspected = await runner.run(dockerCommands.inspect(ids), { allowFailure: true });
  return parseContainerInspect(inspected.stdout.trim() || '[]');
}

export function uptimeOf(startedAt: string | undefined, now: number): number | undefined {
  if (!startedAt) return undefined;
  const started = Date.parse(startedAt);
  return Number.isFinite(started) ? Math.max(0, now - started) : undefined;
}

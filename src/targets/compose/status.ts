import type { ComposeTarget } from '../../config/schema.js';
import type { Runner } from '../../process/runner.js';
import { normalizeProjectName } from '../docker/commands.js';
import { listContainers, uptimeOf } from '../docker/containers.js';
import { releaseOfImage } from '../docker/preflight.js';
import type { Instance, Target, TargetStatus } from '../types.js';

export interface ComposeDeps {
  runner: Runner;
  now?: () => number;
}

const PROJECT = 'com.docker.compose.project';
const SERVICE = 'com.docker.compose.service';

export function composeProject(config: ComposeTarget, app: string): string {
  return normalizeProjectName(config.project ?? app);
}

export function createComposeTarget(config: ComposeTarget, app: string, deps: ComposeDeps): Target {
  const project = composeProject(config, app);
  return {
    kind: 'compose',
    name: `${project}/${config.service}`,
    async status(): Promise<TargetStatus> {
      // Compose labels its containers the same way in v1 and v2, so status needs only the docker CLI.
      const containers = await listContainers(deps.runner, [`${PROJECT}=${project}`]);
      const now = (deps.now ?? Date.now)();
      const instances: Instance[] = containers
        .filter((c) => c.labels['com.docker.compose.oneoff'] !== 'True')
        .map((c) => ({
          name: c.name,
          id: c.id,
          state: c.health && c.state === 'running' ? `${c.state} (${c.health})` : c.state,
          restarts: c.restarts,
          cpuPercent: c.stats?.cpuPercent,
          memoryBytes: c.stats?.memoryBytes,
          startedAt: c.startedAt,
          uptimeMs: uptimeOf(c.startedAt, now),
          image: c.image,
          release: releaseOfImage(c.image),
          service: c.labels[SERVICE],
        }));
      const notes = instances.length === 0 ? [`No containers of compose project ${project}; if the project has another name, set target.compose.project.`] : [];
      return { kind: 'compose', name: `${project}/${config.service}`, service: config.service, instances, notes };
    },
  };
}

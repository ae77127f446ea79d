import { resolveFrom } from '../../config/select.js';
import type { ComposeTarget } from '../../config/schema.js';
import { composeCommands, dockerCommands, type ComposeCli, type ComposeProject } from '../docker/commands.js';
import { detectComposeCli } from '../docker/compose-cli.js';
import { inspectContainers } from '../docker/containers.js';
import { waitUntil } from '../docker/wait.js';
import type { DriverDeps } from '../../deploy/types.js';
import type { ServiceControl } from '../types.js';
import { composeProject } from './status.js';

/**
 * compose: the deployed service restarts one container at a time (each running, and healthy when it has a
 * HEALTHCHECK, before the next); any other service (postgres, redis) as `compose restart` does. stop and
 * start keep the containers, so their count and image stay as they were.
 */
export function createComposeControl(config: ComposeTarget, deps: DriverDeps): ServiceControl {
  const env = deps.environment;
  const project: Omit<ComposeProject, 'service'> = { project: composeProject(config, env.app), files: [config.file].flat().map((f) => resolveFrom(env, f)), cwd: env.dir };
  let detected: Promise<ComposeCli> | undefined;
  const cli = () => (detected ??= detectComposeCli(deps.runner));
  const nameOf = (service: string | undefined) => service ?? config.service;
  const containers = async (service: string | undefined) =>
    (await inspectContainers(deps.runner, [`com.docker.compose.project=${project.project}`, `com.docker.compose.service=${nameOf(service)}`])).filter((c) => c.labels['com.docker.compose.oneoff'] !== 'True');
  const compose = async (action: 'restart' | 'stop' | 'start', service: string | undefined, signal: AbortSignal) => {
    await deps.runner.run(composeCommands.control(await cli(), project, action, nameOf(service)), { signal });
  };
  return {
    isDeployed: (service) => nameOf(service) === config.service,
    running: async (service) => (await containers(service)).filter((c) => c.state === 'running').length,
    async restart(service, signal) {
      if (nameOf(service) !== config.service) return compose('restart', service, signal);
      for (const c of (await containers(service)).filter((x) => x.state === 'running')) {
        if ((await deps.runner.run(dockerCommands.containerRestart(c.id), { signal })).skipped) continue;
        await waitUntil(`${c.name} running again after its restart`, async () => {
          const now = (await containers(service)).find((x) => x.id === c.id);
          const up = now?.state === 'running' && (now.health === undefined || now.health === 'healthy');
          return up ? { done: true } : { done: false, state: `${c.name} is ${now ? `${now.state}${now.health ? ` (${now.health})` : ''}` : 'gone'}` };
        }, signal);
      }
    },
    stop: (service, signal) => compose('stop', service, signal),
    start: (service, _count, signal) => compose('start', service, signal),
  };
}

import { resolveFrom } from '../../config/select.js';
import { dockerSource } from '../../logs/docker-source.js';
import { composeCommands } from '../docker/commands.js';
import { COMPOSE, DOCKER_ENGINE } from '../docker/doctor.js';
import type { ComposeCli, ComposeProject } from '../docker/commands.js';
import { detectComposeCli } from '../docker/compose-cli.js';
import { markDockerLogs } from '../docker/log-mark.js';
import { createComposeControl } from './control.js';
import type { TargetKindModule, TargetLogs } from '../types.js';
import type { SourceDeps } from '../../logs/source.js';
import { createComposeDriver } from './driver.js';
import { composeProject, createComposeTarget } from './status.js';

/** docker compose (v2) or docker-compose (v1): one service of a compose project. */
export const composeKind: TargetKindModule<'compose'> = {
  kind: 'compose',
  doctorNeeds: [COMPOSE, 'docker', DOCKER_ENGINE],
  daemonChecks: [],
  bind(config, env) {
    const project = composeProject(config, env.app);
    const logs = (deps: SourceDeps): TargetLogs => {
      const files: ComposeProject = { project, files: [config.file].flat().map((f) => resolveFrom(env, f)), service: config.service, cwd: env.dir };
      let cli: Promise<ComposeCli> | undefined;
      const build = async (options: Parameters<typeof composeCommands.logs>[2]) => composeCommands.logs(await (cli ??= detectComposeCli(deps.runner)), files, options);
      return { names: [config.service], open: async () => [dockerSource(`docker compose logs ${config.service}`, build, deps)] };
    };
    return {
      kind: 'compose',
      name: `${project}/${config.service}`,
      image: config.image,
      status: (deps) => createComposeTarget(config, env.app, deps),
      driver: (deps) => ({ ...createComposeDriver(config, deps), markLogs: async (signal) => markDockerLogs(logs, { ...deps, signal }) }),
      control: (deps) => createComposeControl(config, deps),
      logs,
      cleanup: { containerLabel: `com.docker.compose.project=${project}` },
    };
  },
};

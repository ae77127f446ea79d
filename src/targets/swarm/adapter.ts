import { dockerSource } from '../../logs/docker-source.js';
import { dockerCommands } from '../docker/commands.js';
import { DOCKER_ENGINE, SWARM } from '../docker/doctor.js';
import { markDockerLogs } from '../docker/log-mark.js';
import { createSwarmControl } from './control.js';
import type { TargetKindModule, TargetLogs } from '../types.js';
import type { SourceDeps } from '../../logs/source.js';
import { swarmDaemon } from './doctor.js';
import { createSwarmDriver } from './driver.js';
import { createSwarmTarget, swarmServiceName } from './status.js';

/** docker swarm: one service of a stack. */
export const swarmKind: TargetKindModule<'swarm'> = {
  kind: 'swarm',
  doctorNeeds: ['docker', DOCKER_ENGINE, SWARM],
  daemonChecks: [swarmDaemon],
  bind(config) {
    const service = swarmServiceName(config);
    const logs = (deps: SourceDeps): TargetLogs => ({
      names: [service],
      open: async () => [dockerSource(`docker service logs ${service}`, async (options) => dockerCommands.serviceLogs(service, options), deps)],
    });
    return {
      kind: 'swarm',
      name: service,
      image: config.image,
      status: (deps) => createSwarmTarget(config, deps),
      driver: (deps) => ({ ...createSwarmDriver(config, deps), markLogs: async (signal) => markDockerLogs(logs, { ...deps, signal }) }),
      control: (deps) => createSwarmControl(config, deps),
      logs,
      cleanup: { containerLabel: `com.docker.stack.namespace=${config.stack}` },
    };
  },
};

import type { SwarmTarget } from '../../config/schema.js';
import { OpsError, UsageError } from '../../errors.js';
import type { DriverDeps } from '../../deploy/types.js';
import { dockerCommands } from '../docker/commands.js';
import type { ServiceControl } from '../types.js';
import { inspectService, serviceTasks, waitConverged } from './state.js';
import { swarmServiceName } from './status.js';

/** swarm: restart is `service update --force` (rolling, by the service's update config); stop scales to 0, start back. */
export function createSwarmControl(config: SwarmTarget, deps: DriverDeps): ServiceControl {
  const service = swarmServiceName(config);
  const { runner } = deps;
  const own = (name: string | undefined) => {
    if (name !== undefined && name !== service && name !== config.service) throw new UsageError(`${deps.environment.name} runs the swarm service ${service}, not ${name}.`, `Name no service, or ${config.service}.`);
  };
  const info = async () => {
    const found = await inspectService(runner, service);
    if (!found) throw new OpsError(`Swarm service ${service} does not exist: there is nothing to restart, stop or start.`, 'Deploy first: opsctl deploy.');
    return found;
  };
  const scale = async (replicas: number, signal: AbortSignal) => {
    const { image } = await info();
    if ((await runner.run(dockerCommands.serviceScale(service, replicas), { signal })).skipped) return;
    await waitConverged(runner, service, image, signal);
  };
  return {
    isDeployed: (name) => (own(name), true),
    async running(name) {
      own(name);
      if (!(await inspectService(runner, service))) return 0;
      return (await serviceTasks(runner, service)).filter((t) => t.desiredState === 'Running' && /^Running\b/.test(t.currentState)).length;
    },
    async restart(name, signal) {
      own(name);
      const { image } = await info();
      if ((await runner.run(dockerCommands.serviceRestart(service), { signal })).skipped) return;
      await waitConverged(runner, service, image, signal);
    },
    async stop(name, signal) {
      own(name);
      await scale(0, signal);
    },
    async start(name, count, signal) {
      own(name);
      await scale(Math.max(count ?? deps.environment.config.deploy.minReplicas, 1), signal);
    },
  };
}

import type { SwarmTarget } from '../../config/schema.js';
import { ConfigError, OpsError } from '../../errors.js';
import { toolFailure } from '../../process/runner.js';
import { swarmServiceName } from './status.js';
import type { DeployDriver, DriverDeps, PreparedRelease } from '../../deploy/types.js';
import { dockerCommands } from '../docker/commands.js';
import { engineProblems, imageKeyProblems, imageProblems, releaseFileProblems } from '../docker/preflight.js';
import { sampleTasks } from '../docker/samples.js';
import { gaveUpError, inspectService, serviceTasks, swarmProblems, waitConverged } from './state.js';

/** docker swarm: `stack deploy` the first time, then `service update --image` (start-first by default). */
export function createSwarmDriver(config: SwarmTarget, deps: DriverDeps): DeployDriver {
  const service = swarmServiceName(config);
  const { runner } = deps;
  return {
    kind: 'swarm',
    name: service,
    async preflight() {
      const engine = await engineProblems(runner);
      if (engine.length > 0) return engine;
      const swarm = await swarmProblems(runner);
      if (swarm.length > 0) return swarm;
      const problems = imageKeyProblems('swarm', config.image);
      if (await inspectService(runner, service)) return problems;
      // Only the first deploy reads the stack file; later ones change the image alone.
      if (!config.file) return [...problems, missingFile(service).message];
      return [...problems, ...releaseFileProblems(deps.environment.dir, [config.file], config.image)];
    },
    verifyBuilt: (release) => imageProblems(runner, release),
    async activate(release, signal) {
      const image = imageOf(release);
      const exists = await inspectService(runner, service);
      const ran = exists ? await updateService(config, deps, image, signal) : await createStack(config, deps, release, signal);
      if (ran) await waitConverged(runner, service, image, signal);
    },
    async sample(release) {
      const info = await inspectService(runner, service);
      const image = imageOf(release);
      if (!info) return { ready: false, fingerprint: '', summary: 'not deployed', problems: [`service ${service} does not exist`] };
      return sampleTasks(info, await serviceTasks(runner, service), image);
    },
    async replicas() {
      const info = await inspectService(runner, service);
      if (!info) return undefined;
      return info.replicas ?? (await serviceTasks(runner, service)).filter((t) => t.desiredState === 'Running' && /^Running\b/.test(t.currentState)).length;
    },
    async scale(replicas, signal) {
      const info = await inspectService(runner, service);
      if (!info) throw new OpsError(`Swarm service ${service} does not exist, so there is nothing to scale.`, 'Deploy first with `opsctl deploy`.');
      if ((await runner.run(dockerCommands.serviceScale(service, replicas), { signal })).skipped) return;
      await waitConverged(runner, service, info.image, signal);
    },
  };
}

/** First deploy: `docker stack deploy` of the stack file. False when --dry-run kept it from running. */
async function createStack(config: SwarmTarget, deps: DriverDeps, release: PreparedRelease, signal: AbortSignal): Promise<boolean> {
  const service = swarmServiceName(config);
  if (!config.file) throw missingFile(service);
  const deployed = await deps.runner.run(dockerCommands.stackDeploy(config.file, config.stack, release.sha, deps.environment.dir), { signal });
  if (deployed.skipped) return false;
  const created = await inspectService(deps.runner, service);
  if (created && created.image !== release.image) {
    throw new ConfigError(`${config.file} sets ${service}'s image to ${created.image}, not ${release.image}.`, `Write it as \`image: ${config.image}:\${OPSCTL_RELEASE}\`.`);
  }
  return true;
}

/** Later deploys: a rolling image update; swarm's own message when it paused or rolled back. False under --dry-run. */
async function updateService(config: SwarmTarget, deps: DriverDeps, image: string, signal: AbortSignal): Promise<boolean> {
  const service = swarmServiceName(config);
  const update = dockerCommands.serviceUpdate(service, image, config.updateOrder);
  const result = await deps.runner.run(update, { signal, allowFailure: true });
  if (result.skipped) return false;
  if (result.exitCode === 0) return true;
  const info = await inspectService(deps.runner, service);
  throw (info && gaveUpError(info, image)) ?? toolFailure(update, result);
}

function missingFile(service: string): ConfigError {
  return new ConfigError(
    `target.swarm.file is not set and swarm service ${service} does not exist yet.`,
    'The first deploy creates the stack with `docker stack deploy -c <file>`: set target.swarm.file to your stack file.',
  );
}

function imageOf(release: PreparedRelease): string {
  if (!release.image) throw new OpsError('The release has no image name.', 'Set target.swarm.image in opsctl.yaml.');
  return release.image;
}

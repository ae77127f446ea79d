import type { SwarmTarget } from '../../config/schema.js';
import { ConfigError, OpsError } from '../../errors.js';
import { toolFailure } from '../../process/runner.js';
import { swarmServiceName } from '../../targets/swarm.js';
import type { DeployDriver, DriverDeps, PreparedRelease } from '../types.js';
import { deployCommands } from './docker-commands.js';
import { engineProblems, imageKeyProblems, imageProblems, releaseFileProblems } from './docker-preflight.js';
import { sampleTasks } from './docker-samples.js';
import { failedTasks, gaveUpError, inspectService, serviceTasks, swarmProblems } from './docker-swarm-state.js';
import { waitUntil } from './docker-wait.js';

/** Failed tasks of the new image after which a first deploy stops waiting: swarm would retry forever. */
const FAILURES_TO_GIVE_UP = 3;

/** docker swarm: `stack deploy` the first time, then `service update --image` (start-first by default). */
export function createSwarmDriver(config: SwarmTarget, deps: DriverDeps): DeployDriver {
  const service = swarmServiceName(config);
  const { runner } = deps;

  /** Until the desired replicas run `image` and the update is over; throws as soon as swarm gives up. */
  const waitConverged = (image: string, signal: AbortSignal) =>
    waitUntil(`${service} converging on ${image}`, async () => {
      const info = await inspectService(runner, service);
      if (!info) return { done: false, state: `service ${service} does not exist yet` };
      const gaveUp = gaveUpError(info, image);
      if (gaveUp) throw gaveUp;
      const tasks = await serviceTasks(runner, service);
      const failed = failedTasks(tasks, image);
      if (failed.length >= FAILURES_TO_GIVE_UP) {
        throw new OpsError(`${failed.length} tasks of ${image} failed: ${failed[0]!.error || failed[0]!.currentState}.`, `See \`docker service ps --no-trunc ${service}\` and \`opsctl logs\`.`);
      }
      const sample = sampleTasks(info, tasks, image);
      return sample.ready ? { done: true } : { done: false, state: sample.problems.join('; ') || sample.summary };
    }, signal);

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
      if (!exists) {
        if (!config.file) throw missingFile(service);
        const deployed = await runner.run(deployCommands.stackDeploy(config.file, config.stack, release.sha, deps.environment.dir), { signal });
        if (deployed.skipped) return;
        const created = await inspectService(runner, service);
        if (created && created.image !== image) {
          throw new ConfigError(`${config.file} sets ${service}'s image to ${created.image}, not ${image}.`, `Write it as \`image: ${config.image}:\${OPSCTL_RELEASE}\`.`);
        }
      } else {
        const update = deployCommands.serviceUpdate(service, image, config.updateOrder);
        const result = await runner.run(update, { signal, allowFailure: true });
        if (result.skipped) return;
        if (result.exitCode !== 0) throw (await updateFailure(image)) ?? toolFailure(update, result);
      }
      await waitConverged(image, signal);
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
      if ((await runner.run(deployCommands.serviceScale(service, replicas), { signal })).skipped) return;
      await waitConverged(info.image, signal);
    },
  };

  async function updateFailure(image: string): Promise<OpsError | undefined> {
    const info = await inspectService(runner, service);
    return info ? gaveUpError(info, image) : undefined;
  }
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

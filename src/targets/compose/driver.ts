import type { ComposeTarget } from '../../config/schema.js';
import { OpsError } from '../../errors.js';
import { composeProject } from './status.js';
import type { ComposeCli, ComposeProject } from '../docker/commands.js';
import { composeWorks, detectComposeCli } from '../docker/compose-cli.js';
import { inspectContainers } from '../docker/containers.js';
import type { ContainerInfo } from '../docker/parse.js';
import type { DeployDriver, DriverDeps, PreparedRelease } from '../../deploy/types.js';
import { composeCommands } from '../docker/commands.js';
import { engineProblems, imageKeyProblems, imageProblems, releaseFileProblems, tagOf } from '../docker/preflight.js';
import { sampleContainers } from '../docker/samples.js';
import { waitUntil } from '../docker/wait.js';
import { startFirstRollout } from './rollout.js';
import { FIXED_PORT_HINT, fixedPortProblem, inspectAddresses } from './start-first.js';

/** docker compose (v2) or docker-compose (v1): `up -d` of one service on the release's image tag. */
export function createComposeDriver(config: ComposeTarget, deps: DriverDeps): DeployDriver {
  const project: ComposeProject = {
    project: composeProject(config, deps.environment.app),
    files: typeof config.file === 'string' ? [config.file] : config.file,
    service: config.service,
    cwd: deps.environment.dir,
  };
  const labels = [`com.docker.compose.project=${project.project}`, `com.docker.compose.service=${project.service}`];
  let detected: Promise<ComposeCli> | undefined;
  const cli = () => (detected ??= detectComposeCli(deps.runner));
  // One-off `compose run` containers carry the service label too but are not instances.
  const containers = async (): Promise<ContainerInfo[]> =>
    (await inspectContainers(deps.runner, labels)).filter((c) => c.labels['com.docker.compose.oneoff'] !== 'True');
  const running = async () => (await containers()).filter((c) => c.state === 'running');

  const waitForCount = (replicas: number, signal: AbortSignal) =>
    waitUntil(`${replicas} running container(s) of ${project.service}`, async () => {
      const all = await containers();
      const up = all.filter((c) => c.state === 'running').length;
      return up === replicas && all.length === replicas ? { done: true } : { done: false, state: `${up} of ${all.length} running` };
    }, signal);

  return {
    kind: 'compose',
    name: `${project.project}/${project.service}`,
    async preflight() {
      const engine = await engineProblems(deps.runner);
      if (engine.length > 0) return engine;
      const startFirst = config.updateOrder === 'start-first' ? fixedPortProblem(project.service, await inspectAddresses(deps.runner, (await containers()).map((c) => c.id))) : undefined;
      return [
        ...(await composeProblems(await cli(), deps)),
        ...imageKeyProblems('compose', config.image),
        ...releaseFileProblems(project.cwd, project.files, config.image),
        ...(startFirst ? [`${startFirst} ${FIXED_PORT_HINT}`] : []),
      ];
    },
    verifyBuilt: (release) => imageProblems(deps.runner, release),
    async activate(release, signal) {
      const current = (await containers()).length;
      if (current > 0 && config.updateOrder === 'start-first') return startFirstRollout({ deps, cli: await cli(), project, containers }, release, signal);
      // First deploy: compose also starts the services it depends on; later only this one is recreated.
      // `up -d` returns once the containers started: whether they stay up is the health gate's call.
      const options = current > 0 ? { noDeps: true, scale: current } : { noDeps: false };
      await deps.runner.run(composeCommands.up(await cli(), project, release.sha, options), { signal });
    },
    async sample(release) {
      return sampleContainers(await containers(), imageOf(release));
    },
    async replicas() {
      const all = await containers();
      return all.length === 0 ? undefined : all.filter((c) => c.state === 'running').length;
    },
    async scale(replicas, signal) {
      const sha = currentRelease(await running(), project.service);
      if ((await deps.runner.run(composeCommands.scale(await cli(), project, sha, replicas), { signal })).skipped) return;
      await waitForCount(replicas, signal);
    },
  };
}

async function composeProblems(cli: ComposeCli, deps: DriverDeps): Promise<string[]> {
  if (await composeWorks(deps.runner, cli)) return [];
  return ['Neither `docker compose` (v2 plugin) nor docker-compose (v1) works; install the compose plugin.'];
}

function imageOf(release: PreparedRelease): string {
  if (!release.image) throw new OpsError('The release has no image name.', 'Set target.compose.image in opsctl.yaml.');
  return release.image;
}

/** scale keeps the running release: its sha is the tag of the running containers' image. */
function currentRelease(running: readonly ContainerInfo[], service: string): string {
  const tags = [...new Set(running.map((c) => tagOf(c.image)).filter((t): t is string => Boolean(t)))];
  if (tags.length === 1) return tags[0]!;
  if (tags.length === 0) throw new OpsError(`No container of ${service} is running, so there is nothing to scale.`, 'Deploy first with `opsctl deploy`.');
  throw new OpsError(`The containers of ${service} run several releases (${tags.join(', ')}).`, 'Finish the deploy or run `opsctl rollback`, then scale.');
}

import { OpsError } from '../../errors.js';
import type { Command } from '../../process/command.js';
import type { ComposeCli, ComposeProject } from '../docker/commands.js';
import type { ContainerInfo } from '../docker/parse.js';
import { waitUntil } from '../docker/wait.js';
import type { DriverDeps, PreparedRelease } from '../../deploy/types.js';
import { fixedPortError, inspectAddresses, lookAtNew, startFirstCommands } from './start-first.js';

export interface RolloutContext {
  deps: DriverDeps;
  cli: ComposeCli;
  project: ComposeProject;
  /** The service's containers (one-off ones left out), as the driver lists them. */
  containers: () => Promise<ContainerInfo[]>;
}

/**
 * start-first: new containers beside the old ones, gated one by one by their own address, then the old ones
 * stopped and removed by id. New containers that do not pass are removed again and the old ones keep serving.
 */
export async function startFirstRollout(ctx: RolloutContext, release: PreparedRelease, signal: AbortSignal): Promise<void> {
  const { deps, project } = ctx;
  const old = (await ctx.containers()).map((c) => c.id);
  const refused = fixedPortError(project.service, await inspectAddresses(deps.runner, old));
  if (refused) throw refused;
  const run = (cmd: Command) => deps.runner.run(cmd, { signal });
  if ((await run(startFirstCommands.scaleUp(ctx.cli, project, release.sha, old.length * 2))).skipped) {
    deps.log.plan(`would wait for ${old.length} new container(s) of ${project.service} to pass, then stop and remove ${old.join(', ')}`);
    return;
  }
  const fresh = (await ctx.containers()).map((c) => c.id).filter((id) => !old.includes(id));
  try {
    await waitUntil(`${fresh.length} new container(s) of ${project.service} passing on their own address`, async () => {
      const seen = await inspectAddresses(deps.runner, fresh);
      if (seen.length < fresh.length) return { done: false, state: `${fresh.length - seen.length} new container(s) gone` };
      for (const c of seen) {
        const look = await lookAtNew(c);
        if (!look.done) return look;
      }
      return { done: true };
    }, signal);
  } catch (error) {
    // The old containers still serve: take the new ones away again so the count and the release stay as they were.
    if (fresh.length > 0) await deps.runner.run(startFirstCommands.forceRemove(fresh), { allowFailure: true });
    throw new OpsError(`The new containers of ${project.service} did not pass, so the old ones keep serving: ${(error as Error).message}`, 'See why with `opsctl logs`; the deploy changed nothing that runs.');
  }
  deps.log.info(`${fresh.length} new container(s) of ${project.service} pass: stopping the ${old.length} old one(s) (their stop signal, then stop_grace_period).`);
  if (old.length > 0) {
    await run(startFirstCommands.stop(old));
    await run(startFirstCommands.remove(old));
  }
}

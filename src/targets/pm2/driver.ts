import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../../config/duration.js';
import type { Pm2Target } from '../../config/schema.js';
import { OpsError, ToolMissingError, UsageError } from '../../errors.js';
import { installHint } from '../../process/tools.js';
import { which } from '../../process/which.js';
import { pm2DaemonPid } from './daemon.js';
import { JlistTimeout, listPm2Processes } from './daemon-list.js';
import type { Pm2Process } from './parse.js';
import type { DeployDriver, DriverDeps, PreparedRelease } from '../../deploy/types.js';
import { planActivation, startOrReload, switchRelease } from './activate.js';
import { pm2Commands } from './commands.js';
import { EcosystemError } from './ecosystem-read.js';
import { appPaths, linkTarget, looksLikePath, safeRealpath } from './paths.js';
import { appProcesses, desiredInstances, samplePm2 } from './sample.js';
import { waitForInstances } from './wait.js';
import { baselineEffect, takeBaseline } from './restart-baseline.js';

/**
 * Each release runs from its own folder: `<releasesDir>/current` links to it and pm2 runs the app through
 * that link, so a switch (or a rollback) is a new link plus `pm2 reload`: no network, no rebuild.
 */
export function createPm2Driver(config: Pm2Target, deps: DriverDeps): DeployDriver {
  const name = config.name ?? deps.environment.app;
  const homeEnv: Record<string, string> = deps.env.PM2_HOME ? { PM2_HOME: deps.env.PM2_HOME } : {};
  let desired = desiredInstances(config.instances);
  let baseline = new Map<number, number>();

  /** The app's instances; none without asking pm2 when its daemon is down (any pm2 call would start it). */
  const list = async (signal?: AbortSignal): Promise<Pm2Process[]> => {
    if (pm2DaemonPid(deps.env) === undefined) return [];
    // A stuck daemon must not stall the health gate: each look has its own deadline (listPm2Processes').
    return appProcesses(await listPm2Processes(deps.runner, deps.env, signal), name);
  };
  const converge = async (count: number, signal: AbortSignal) => {
    if (deps.runner.dryRun) return;
    await waitForInstances({ name, count, timeoutMs: parseDuration(deps.environment.config.deploy.gate.timeout) ?? 120_000, list, signal, now: deps.now });
  };

  return {
    kind: 'pm2',
    name,
    async preflight() {
      if (!which('pm2', deps.env)) throw new ToolMissingError('pm2 is not installed or not on PATH.', installHint('pm2'), { tool: 'pm2' });
      if (!config.script && !config.ecosystem) return ['target.pm2 needs a script or an ecosystem file.'];
      try {
        await list();
        return [];
      } catch (error) {
        return [`pm2 does not answer: ${(error as Error).message.split('\n')[0]}`];
      }
    },
    async verifyBuilt(release) {
      return missingEntry(config, name, deps, release);
    },
    async activate(release, signal) {
      const plan = await planActivation(config, name, deps, release);
      const running = await list(signal);
      if (pm2DaemonPid(deps.env) === undefined) await deps.runner.run(pm2Commands.ping(homeEnv), { signal });
      await switchRelease(deps, plan, release);
      const how = await startOrReload(deps, name, config, plan, running, signal);
      desired = desiredInstances(config.instances);
      // A reload keeps the count `opsctl scale` left: opsctl.yaml's instances win at each deploy.
      if (how === 'reloaded' && running.length !== desired) {
        await deps.runner.run(pm2Commands.scale(name, desired, homeEnv), { signal });
        await converge(desired, signal);
      }
      if (deps.runner.dryRun) return;
      // Restarts count from here: the gate's crash loop and status's restarts (restart-baseline.ts).
      const taken = takeBaseline(release.sha, pm2DaemonPid(deps.env) ?? 0, await list(signal));
      baseline = new Map(Object.entries(taken.restarts).map(([id, count]) => [Number(id), count]));
      await deps.effects.apply(baselineEffect(deps.releasesDir, taken));
    },
    async sample(release) {
      const paths = appPaths(config, deps.releasesDir, release);
      const homes = [paths.link, release.root, safeRealpath(release.root)].filter((h): h is string => Boolean(h));
      const linked = linkTarget(paths.link) !== undefined && linkTarget(paths.link) === safeRealpath(release.root);
      try {
        return samplePm2(await list(), { name, desired, sha: release.sha, homes, linked, baseline });
      } catch (error) {
        // One stalled look is a failed round, not the end of the gate: the gate's own deadline decides.
        if (!(error instanceof JlistTimeout)) throw error;
        return { ready: false, fingerprint: 'no answer', summary: 'pm2 did not answer', problems: [error.message] };
      }
    },
    async replicas() {
      const mine = await list();
      return mine.length > 0 ? mine.length : undefined;
    },
    async scale(replicas, signal) {
      if (!Number.isInteger(replicas) || replicas < 1) {
        throw new UsageError(`pm2 cannot run ${replicas} instances of ${name}.`, 'Give 1 or more; to stop the app, run pm2 stop.');
      }
      const running = await list(signal);
      if (running.length === 0) throw new OpsError(`${name} is not running under pm2: nothing to scale.`, 'Deploy it first with opsctl deploy.');
      if (running.some((p) => p.pm2_env?.exec_mode === 'fork_mode') && replicas > 1) {
        deps.log.warn(`${name} runs in fork mode: its instances do not share one port (instances: 2 or more in opsctl.yaml deploys it in cluster mode).`);
      }
      // pm2 scale to the count that runs says "Nothing to do" and exits 1.
      if (running.length !== replicas) await deps.runner.run(pm2Commands.scale(name, replicas, homeEnv), { signal });
      await converge(replicas, signal);
      desired = replicas;
    },
  };
}

/** After the build: the entry script (or ecosystem file and its app) is in the release folder. */
async function missingEntry(config: Pm2Target, name: string, deps: DriverDeps, release: PreparedRelease): Promise<string[]> {
  if (config.ecosystem) {
    const file = path.resolve(release.dir, config.ecosystem);
    if (!existsSync(file)) return [`The ecosystem file ${file} is missing from release ${release.shortSha}.`];
    try {
      await planActivation(config, name, deps, release);
      return [];
    } catch (error) {
      // A file that does not load is the config's fault, not the build's; a missing node is exit 127.
      if (error instanceof EcosystemError || error instanceof ToolMissingError) throw error;
      return [(error as Error).message];
    }
  }
  const script = config.script!;
  if (!looksLikePath(script)) return which(script, deps.env) ? [] : [`${script} is not on PATH.`];
  const file = path.resolve(release.dir, config.cwd ?? '.', script);
  return existsSync(file) ? [] : [`${file} is missing from release ${release.shortSha} (is it built?).`];
}

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Pm2Target } from '../../config/schema.js';
import type { Command } from '../../process/command.js';
import type { Pm2Process } from './parse.js';
import type { DriverDeps, PreparedRelease } from '../../deploy/types.js';
import { appEnv, isCluster, pm2Commands } from './commands.js';
import { ecosystemApp, loadEcosystemApp, processFileEffect } from './ecosystem.js';
import { drainApplied, loadsPreload, planDrain, withDrain, type DrainPlan } from './drain/plan.js';
import { appPaths, isInside, looksLikePath, PROCESS_FILE, type AppPaths } from './paths.js';

/** What activating a release runs: the first start, or the reload of a running app. */
export interface ActivationPlan {
  paths: AppPaths;
  start: Command;
  reload: Command;
  /** ecosystem: the generated process file and its content, written before pm2 reads it. */
  processFile?: { file: string; entry: Record<string, unknown> };
  /** The entry script as configured: a path (moves with the link) or a command found on PATH. */
  script: string;
  /** The drain preload pm2 loads into the app; undefined when target.pm2.drain.enabled is false. */
  drain?: DrainPlan;
  /** script: the reload that also sets node_args and kill_timeout, for instances that run without them. */
  reloadWithDrain?: Command;
}

export async function planActivation(config: Pm2Target, name: string, deps: DriverDeps, release: PreparedRelease): Promise<ActivationPlan> {
  const paths = appPaths(config, deps.releasesDir, release);
  const home = deps.env.PM2_HOME;
  const drain = planDrain(config, deps.releasesDir, `environments.${deps.environment.name}.target.pm2`);
  const own = { ...config.env, ...drain?.env };
  if (!config.ecosystem) {
    const env = appEnv(own, release.sha, home);
    const start = pm2Commands.startScript(name, paths, config, env, drain);
    const reload = pm2Commands.reload(name, env);
    return { paths, start, reload, script: config.script!, ...(drain ? { drain, reloadWithDrain: pm2Commands.reload(name, env, drain) } : {}) };
  }
  // The release's own file, not the link (not switched yet under --dry-run); paths are rewritten for the link.
  const source = ecosystemSource(config.ecosystem, deps, release);
  const loaded = source ? await loadEcosystemApp(deps.runner, source.file, name, appEnv({}, release.sha, home), deps.env) : { name };
  const app = ecosystemApp(loaded, paths, source?.root ?? release.root, config.instances);
  const env = appEnv({ ...app.variables, ...own }, release.sha, home);
  const file = path.join(deps.releasesDir, PROCESS_FILE);
  return {
    paths,
    start: pm2Commands.startFile(name, file, env),
    reload: pm2Commands.reloadFile(name, file, env),
    processFile: { file, entry: drain ? withDrain(app.entry, drain, source?.file ?? config.ecosystem) : app.entry },
    script: String(loaded.script ?? ''),
    ...(drain ? { drain } : {}),
  };
}

/**
 * The ecosystem file to plan from and the folder its paths lie in: the release's own. Under --dry-run the
 * release folder may not exist (no worktree is made): the working copy's file at the same relative path
 * stands in, read-only; with none there either, the plan goes without the file's content.
 */
function ecosystemSource(ecosystem: string, deps: DriverDeps, release: PreparedRelease): { file: string; root: string } | undefined {
  const own = path.resolve(release.dir, ecosystem);
  if (!deps.runner.dryRun || existsSync(own)) return { file: own, root: release.root };
  const file = path.resolve(deps.environment.dir, ecosystem);
  if (!existsSync(file)) {
    deps.log.plan(`would read ${own} once release ${release.shortSha} is checked out`);
    return undefined;
  }
  deps.log.plan(`release ${release.shortSha} is not checked out: planning from ${file} in your working copy`);
  return { file, root: path.resolve(deps.environment.dir, path.relative(release.dir, release.root)) };
}

/**
 * Why a running app must be deleted and started again rather than reloaded, or undefined: a reload keeps
 * the script path, folder and exec mode of the first start (an app started by hand from a release folder).
 */
export function needsFreshStart(running: readonly Pm2Process[], plan: Pick<ActivationPlan, 'paths' | 'script' | 'drain'>, instances: Pm2Target['instances']): string | undefined {
  const mode = isCluster(instances) ? 'cluster_mode' : 'fork_mode';
  for (const p of running) {
    const env = p.pm2_env ?? {};
    if (!plan.drain && loadsPreload(env.node_args)) return "it loads opsctl's drain preload, which drain.enabled: false turns off (a reload keeps pm2's node_args)";
    const where = looksLikePath(plan.script) ? env.pm_exec_path : env.pm_cwd;
    if (!where || !isInside(where, plan.paths.link)) return `it runs ${where ?? 'an unknown path'}, not through ${plan.paths.link}`;
    // pm2 keeps a cluster app of one instance in cluster mode: only fork -> cluster needs a new start.
    if (mode === 'cluster_mode' && env.exec_mode !== mode) return `it runs in ${env.exec_mode ?? 'an unknown mode'} and the config asks for cluster mode`;
  }
  return undefined;
}

/** Points `current` at the release and writes the process file when there is one (under --dry-run: says so). */
export async function switchRelease(deps: DriverDeps, plan: ActivationPlan, release: PreparedRelease): Promise<void> {
  // The preload first: the new workers the reload starts require it.
  if (plan.drain) await deps.effects.apply(plan.drain.copy);
  await deps.effects.apply({ kind: 'link', link: plan.paths.link, target: release.root });
  if (plan.processFile) await deps.effects.apply(processFileEffect(plan.processFile.file, plan.processFile.entry));
}

/** Start, or reload (with a fresh start when a reload would keep old paths), and say what users will see. */
export async function startOrReload(deps: DriverDeps, name: string, config: Pm2Target, plan: ActivationPlan, running: readonly Pm2Process[], signal: AbortSignal): Promise<'started' | 'reloaded'> {
  const run = (cmd: Command) => deps.runner.run(cmd, { signal });
  if (running.length === 0) {
    await run(plan.start);
    return 'started';
  }
  const why = needsFreshStart(running, plan, config.instances);
  if (why) {
    deps.log.warn(`pm2 app ${name} is deleted and started again from the release (a short gap in service): ${why}.`);
    await run(pm2Commands.remove(name, plan.start.env ?? {}));
    await run(plan.start);
    return 'started';
  }
  if (!isCluster(config.instances)) {
    deps.log.info(`${name} runs as a single fork-mode instance: pm2 restarts it, with a short gap in service (instances: 2 or more reload without one).`);
  }
  // pm2 keeps node_args and kill_timeout across reloads: they go on the command line only when they differ.
  await run(plan.reloadWithDrain && !running.every((p) => drainApplied(p, plan.drain!)) ? plan.reloadWithDrain : plan.reload);
  return 'reloaded';
}

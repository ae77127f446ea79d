import type { Pm2Target } from '../../config/schema.js';
import { RELEASE_VARIABLE } from '../../deploy/types.js';
import { command, type Command } from '../../process/command.js';
import type { DrainPlan } from './drain/plan.js';
import type { AppPaths } from './paths.js';

/** The child's environment: the app's variables (never argv), the release, and PM2_HOME so the right daemon answers. */
export function appEnv(appVariables: Readonly<Record<string, string>>, sha: string, pm2Home?: string): Record<string, string> {
  return { ...appVariables, [RELEASE_VARIABLE]: sha, ...(pm2Home ? { PM2_HOME: pm2Home } : {}) };
}

/** pm2 runs N instances in cluster mode (one port, rolling reload); a single instance in fork mode. */
export function isCluster(instances: Pm2Target['instances']): boolean {
  return instances === 'max' || instances > 1;
}

type Env = Readonly<Record<string, string>>;

/** The drain preload on pm2's command line (see drain/plan.ts): node_args and a kill_timeout above its grace. */
export type DrainArgs = Pick<DrainPlan, 'nodeArgs' | 'killTimeoutMs'>;
const drainArgs = (drain?: DrainArgs) => (drain ? ['--node-args', drain.nodeArgs, '--kill-timeout', String(drain.killTimeoutMs)] : []);

/** Every pm2 argv opsctl runs; pure, so tests and --dry-run see the value. */
export const pm2Commands = {
  jlist: () => command('pm2', ['jlist'], { readOnly: true }),
  /** First deploy of a `script` config. */
  startScript: (name: string, paths: AppPaths, config: Pick<Pm2Target, 'instances' | 'args'>, env: Env, drain?: DrainArgs): Command =>
    command(
      'pm2',
      [
        'start', paths.script!, '--name', name, '--cwd', paths.cwd,
        ...(isCluster(config.instances) ? ['-i', String(config.instances)] : []),
        ...drainArgs(drain),
        ...(config.args?.length ? ['--', ...config.args] : []),
      ],
      { env, readOnly: false },
    ),
  /** First deploy of an `ecosystem` config, from the generated process file holding this app alone. */
  startFile: (name: string, file: string, env: Env): Command => command('pm2', ['start', file, '--only', name], { env, readOnly: false }),
  /** Later deploys: cluster mode replaces the workers one by one; --update-env applies the new environment (and node_args). */
  reload: (name: string, env: Env, drain?: DrainArgs): Command => command('pm2', ['reload', name, '--update-env', ...drainArgs(drain)], { env, readOnly: false }),
  reloadFile: (name: string, file: string, env: Env): Command =>
    command('pm2', ['reload', file, '--only', name, '--update-env'], { env, readOnly: false }),
  /** An app started by hand from other paths: a reload would keep them, so it starts again from the link. */
  remove: (name: string, env: Env): Command => command('pm2', ['delete', name], { env, readOnly: false }),
  /** Starts the daemon when none runs: apps inherit the daemon's environment, which must not hold another app's variables. */
  ping: (env: Env): Command => command('pm2', ['ping'], { env, readOnly: false }),
  /** restart (cluster: one worker at a time), stop and start of the app as pm2 keeps it: same release, same environment. */
  control: (action: 'reload' | 'stop' | 'start', name: string, env: Env): Command => command('pm2', [action, name], { env, readOnly: false }),
  scale: (name: string, replicas: number, env: Env): Command => command('pm2', ['scale', name, String(replicas)], { env, readOnly: false }),
};

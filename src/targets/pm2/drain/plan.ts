/**
 * The drain preload (preload/drain.cjs) as pm2 runs it: copied next to the `current` link and loaded with
 * `node_args: --require <file>`, its grace in the app's environment, pm2's kill_timeout above the grace.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDuration } from '../../../config/duration.js';
import { drainOf, type Pm2Target } from '../../../config/schema.js';
import { ConfigError, OpsError } from '../../../errors.js';
import type { Effect } from '../../../process/effects.js';
import type { Pm2Process } from '../parse.js';

/** As shipped: <package root>/preload/ (beside the executable in a standalone build, see scripts/package.mjs). */
export const SHIPPED_PRELOAD = fileURLToPath(new URL('../../../../preload/drain.cjs', import.meta.url));
/** The copy pm2 loads: an opsctl upgrade or a cleared npx cache must not leave pm2 requiring a missing file. */
export const PRELOAD_FILE = 'opsctl-drain.cjs';
export const GRACE_VARIABLE = 'OPSCTL_DRAIN_GRACE_MS';
/** pm2 sends SIGKILL this long after the grace is over: time for the preload to end the process itself. */
export const KILL_MARGIN_MS = 3000;

export interface DrainPlan {
  file: string;
  graceMs: number;
  killTimeoutMs: number;
  /** The app's environment addition. */
  env: Record<string, string>;
  /** node_args as pm2's CLI parses them: the path quoted (spaces), forward slashes (Windows backslashes are escapes). */
  nodeArgs: string;
  copy: Effect;
}

/** What a deploy adds to the app, or undefined when `drain.enabled` is false. `configKey` names the setting in messages. */
export function planDrain(config: Pick<Pm2Target, 'drain'>, releasesDir: string, configKey: string, shipped = SHIPPED_PRELOAD): DrainPlan | undefined {
  const drain = drainOf(config);
  if (!drain.enabled) return undefined;
  const graceMs = parseDuration(drain.grace) ?? 0;
  if (graceMs <= 0) throw new ConfigError(`${configKey}.drain.grace is ${drain.grace}: the drain needs a grace period above 0.`, 'Set it to a few seconds, such as 5s, or turn the drain off with drain.enabled: false.');
  const file = path.join(releasesDir, PRELOAD_FILE);
  const forward = file.split(path.sep).join('/');
  if (forward.includes('"')) throw new ConfigError(`The state folder ${releasesDir} has a double quote in its path, which pm2's node_args cannot carry.`, 'Move stateDir to a path without quotes, or set drain.enabled: false.');
  return {
    file,
    graceMs,
    killTimeoutMs: graceMs + KILL_MARGIN_MS,
    env: { [GRACE_VARIABLE]: String(graceMs) },
    nodeArgs: `--require "${forward}"`,
    copy: { kind: 'write', file, data: readShipped(shipped), atomic: true },
  };
}

function readShipped(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new OpsError(
      `opsctl's drain preload is missing from its install (${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      'Reinstall opsctl (the package ships preload/drain.cjs), or set drain.enabled: false in the target to deploy without it.',
    );
  }
}

/** An ecosystem entry with the preload first in its node_args and a kill_timeout above the grace (a shorter one of the user's is a ConfigError). */
export function withDrain(entry: Record<string, unknown>, plan: DrainPlan, file: string): Record<string, unknown> {
  const own = entry.node_args ?? entry.interpreter_args ?? entry.interpreterArgs;
  const args = Array.isArray(own) ? own.map(String) : typeof own === 'string' && own.trim() ? own.trim().split(/\s+/) : [];
  const killTimeout = entry.kill_timeout;
  if (typeof killTimeout === 'number' && killTimeout <= plan.graceMs) {
    throw new ConfigError(
      `${file} sets kill_timeout: ${killTimeout} for the app, which is not above drain.grace (${plan.graceMs} ms): pm2 would kill the app before it drained.`,
      `Raise kill_timeout above ${plan.graceMs} (opsctl uses ${plan.killTimeoutMs} when it is not set), or lower drain.grace in opsctl.yaml.`,
    );
  }
  const { interpreter_args: _a, interpreterArgs: _b, ...rest } = entry;
  return { ...rest, node_args: ['--require', plan.file, ...args], kill_timeout: typeof killTimeout === 'number' ? killTimeout : plan.killTimeoutMs };
}

/** Whether a running instance loads opsctl's preload (pm2 keeps node_args across reloads: turning the drain off needs a new start). */
export function loadsPreload(nodeArgs: unknown): boolean {
  return Array.isArray(nodeArgs) && nodeArgs.some((a) => typeof a === 'string' && a.replaceAll('\\', '/').endsWith(`/${PRELOAD_FILE}`));
}

/** Whether an instance already runs with this plan's preload and kill_timeout. */
export function drainApplied(p: Pm2Process, plan: DrainPlan): boolean {
  return loadsPreload(p.pm2_env?.node_args) && p.pm2_env?.kill_timeout === plan.killTimeoutMs;
}

import { formatDuration } from '../../config/duration.js';
import { OpsError, TimeoutError } from '../../errors.js';
import { abortReason, delay } from '../../process/delay.js';
import type { Pm2Process } from './parse.js';

const POLL_MS = 500;
/** How long the instances must keep their pids and restart counts once all are online. */
const STABLE_MS = 3000;

export interface WaitOptions {
  name: string;
  count: number;
  timeoutMs: number;
  list: (signal: AbortSignal) => Promise<Pm2Process[]>;
  signal: AbortSignal;
  now: () => number;
  /** Tests shorten these. */
  pollMs?: number;
  stableMs?: number;
}

/** Exactly `count` instances, all online: `pm2 scale` returns before the new ones have started. */
export function converged(processes: readonly Pm2Process[], count: number): boolean {
  return processes.length === count && processes.every((p) => p.pm2_env?.status === 'online' && (p.pid ?? 0) > 0);
}

/** pm_id:pid:restarts of each instance: changes when one crashes and pm2 restarts it. */
export function fingerprint(processes: readonly Pm2Process[]): string {
  return processes.map((p) => `${p.pm_id}:${p.pid ?? 0}:${p.pm2_env?.restart_time ?? 0}`).sort().join(',');
}

/**
 * Polls `pm2 jlist` until the app has `count` online instances, then holds them to a short stability
 * check: pm2 says "online" between the crashes of a crash loop (a fork-mode instance on a taken port).
 * Stops at once on Ctrl-C or --timeout.
 */
export async function waitForInstances(options: WaitOptions): Promise<void> {
  const pollMs = options.pollMs ?? POLL_MS;
  const deadline = options.now() + options.timeoutMs;
  let last: Pm2Process[] = [];
  for (;;) {
    last = await options.list(options.signal);
    if (converged(last, options.count)) return holdSteady(options, last, pollMs);
    // errored: pm2 gave up restarting it (15 quick crashes); waiting longer changes nothing.
    if (last.some((p) => p.pm2_env?.status === 'errored')) throw unsteady(options, last);
    if (options.now() >= deadline) break;
    if (!(await delay(pollMs, options.signal))) throw abortReason(options.signal);
  }
  const online = last.filter((p) => p.pm2_env?.status === 'online').length;
  throw new TimeoutError(
    `pm2 did not reach ${options.count} online instances of ${options.name} within ${formatDuration(options.timeoutMs)}: ${online}/${last.length} online.`,
    `Look at the app's logs (opsctl logs) and at pm2 list; the count is what deploy.gate.timeout allows to wait for.`,
  );
}

/** The same instances, pids and restart counts, all online, for `stableMs`; else an error with their state. */
async function holdSteady(options: WaitOptions, first: readonly Pm2Process[], pollMs: number): Promise<void> {
  const until = options.now() + (options.stableMs ?? STABLE_MS);
  const expected = fingerprint(first);
  while (options.now() < until) {
    if (!(await delay(pollMs, options.signal))) throw abortReason(options.signal);
    const now = await options.list(options.signal);
    if (!converged(now, options.count) || fingerprint(now) !== expected) throw unsteady(options, now);
  }
}

/** Their state as pm2 says it: status, pid and restarts of each instance. */
function unsteady(options: WaitOptions, now: readonly Pm2Process[]): OpsError {
  const state = now.map((p) => `instance ${p.pm_id} ${p.pm2_env?.status ?? 'unknown'} (pid ${p.pid ?? 0}, ${p.pm2_env?.restart_time ?? 0} restarts)`);
  return new OpsError(
    `${options.count} instances of ${options.name} do not stay up: ${state.join('; ') || 'none left'}.`,
    "Look at the app's logs (opsctl logs). Fork-mode instances on one fixed port fail with EADDRINUSE: instances: 2 or more in opsctl.yaml runs cluster mode.",
  );
}

import { formatDuration } from '../../config/duration.js';
import { InterruptedError, OpsError, TimeoutError } from '../../errors.js';
import { delay } from '../../process/delay.js';
import type { Pm2Process } from '../../targets/pm2/parse.js';

const POLL_MS = 500;

export interface WaitOptions {
  name: string;
  count: number;
  timeoutMs: number;
  list: (signal: AbortSignal) => Promise<Pm2Process[]>;
  signal: AbortSignal;
  now: () => number;
}

/** Exactly `count` instances, all online: `pm2 scale` returns before the new ones have started. */
export function converged(processes: readonly Pm2Process[], count: number): boolean {
  return processes.length === count && processes.every((p) => p.pm2_env?.status === 'online' && (p.pid ?? 0) > 0);
}

/** Polls `pm2 jlist` until the app has `count` online instances; stops at once on Ctrl-C or --timeout. */
export async function waitForInstances(options: WaitOptions): Promise<void> {
  const deadline = options.now() + options.timeoutMs;
  let last: Pm2Process[] = [];
  for (;;) {
    last = await options.list(options.signal);
    if (converged(last, options.count)) return;
    if (options.now() >= deadline) break;
    if (!(await delay(POLL_MS, options.signal))) throw abortReason(options.signal);
  }
  const online = last.filter((p) => p.pm2_env?.status === 'online').length;
  throw new TimeoutError(
    `pm2 did not reach ${options.count} online instances of ${options.name} within ${formatDuration(options.timeoutMs)}: ${online}/${last.length} online.`,
    `Look at the app's logs (opsctl logs) and at pm2 list; the count is what deploy.gate.timeout allows to wait for.`,
  );
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof OpsError ? reason : new InterruptedError('Interrupted.');
}

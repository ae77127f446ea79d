import { TimeoutError } from '../../errors.js';
import { abortReason, delay } from '../../process/delay.js';

/** How long compose and swarm may take to converge after the tool itself returned. */
export const CONVERGE_TIMEOUT_MS = 5 * 60_000;
const POLL_MS = 500;

/** One look: done, or where things stand for the timeout message. */
export type Look = { done: true } | { done: false; state: string };

/**
 * Polls `look` until it says done. Throws the signal's reason on Ctrl-C or --timeout, and TimeoutError
 * after `timeoutMs` naming the last state, so a target that never converges cannot hang a deploy.
 */
export async function waitUntil(what: string, look: () => Promise<Look>, signal: AbortSignal, timeoutMs = CONVERGE_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal.aborted) throw abortReason(signal);
    const seen = await look();
    if (seen.done) return;
    if (Date.now() + POLL_MS > deadline) {
      throw new TimeoutError(
        `${what} did not happen within ${Math.round(timeoutMs / 1000)} s: ${seen.state}.`,
        'Look at the target with `opsctl status` and its logs with `opsctl logs`.',
      );
    }
    if (!(await delay(POLL_MS, signal))) throw abortReason(signal);
  }
}

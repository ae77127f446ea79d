import { InterruptedError, OpsError } from '../errors.js';

/** Waits `ms`; resolves false at once when the signal aborts (Ctrl-C, --timeout), true otherwise. */
export function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * What a wait or a child stopped by `signal` rejects with: opsctl's own reason (Ctrl-C's InterruptedError,
 * --timeout's TimeoutError), a caller's own deadline (a TimeoutError, for the caller to recognise), else
 * a plain interruption.
 */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof OpsError) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return reason;
  return new InterruptedError('Interrupted.');
}

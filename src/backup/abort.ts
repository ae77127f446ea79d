/**
 * Streams, pipeline and readline reject with a bare AbortError on Ctrl-C or --timeout; the signal's
 * own reason (InterruptedError, TimeoutError) is what maps to exit 130, the `interrupted` history
 * result and no failure alert.
 */
export function abortedOr(signal: AbortSignal, error: unknown): unknown {
  return signal.aborted ? (signal.reason ?? error) : error;
}

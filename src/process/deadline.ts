/**
 * AbortSignal.timeout, but kept alive by a timer of its own. On Node 20 a timeout signal referenced only
 * through AbortSignal.any (as the runner and the HTTP probe combine it with Ctrl-C's) can be
 * garbage-collected and then never fires (nodejs/node#57736): a probe of a server that accepts and never
 * answers would hang. The reason is the same TimeoutError DOMException AbortSignal.timeout gives,
 * unless `reason` makes a more telling one.
 */
export async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>, reason?: () => Error): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason?.() ?? new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

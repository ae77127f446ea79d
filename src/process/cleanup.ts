/**
 * Synchronous last-resort cleanups (a held lock, a temp file) run if the process must exit at once,
 * e.g. on a second Ctrl-C. Normal paths release in `finally` and unregister.
 */
const cleanups = new Set<() => void>();

export function registerCleanup(fn: () => void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

export function runCleanupsSync(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // Best effort: the process is going down anyway.
    }
  }
}

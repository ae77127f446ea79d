import { abortReason } from './delay.js';

/** taskkill normally answers in well under a second; a hung one must not keep an interrupted opsctl. */
const TASKKILL_TIMEOUT_MS = 10_000;

/**
 * Settles as soon as the signal aborts and the child's tree is stopped: a grandchild holding the output
 * pipe open (a .cmd shim's node, a script's background job) must not keep a timed-out or interrupted
 * opsctl waiting. `cancel` is execa's cancelSignal, fired only after the tree is ended: on Windows a
 * `.cmd` shim's node.exe survives the death of cmd.exe, and `taskkill /T` finds the tree only through
 * its still-living root, so the tree goes first (awaited), then execa stops the direct child.
 */
export async function untilAborted<T extends { isCanceled: boolean }>(
  subprocess: Promise<T> & { pid?: number },
  signal: AbortSignal,
  cancel: AbortController,
): Promise<T> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      void killTree(subprocess.pid).then(() => {
        cancel.abort(signal.reason);
        reject(abortReason(signal));
      });
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const result = await Promise.race([subprocess, aborted]);
    if (result.isCanceled) throw abortReason(signal);
    return result;
  } finally {
    signal.removeEventListener('abort', onAbort!);
    aborted.catch(() => undefined);
  }
}

/** Ends the process and all its descendants on Windows and waits for taskkill; elsewhere execa's kill does. */
async function killTree(pid: number | undefined): Promise<void> {
  if (process.platform !== 'win32' || !pid) return;
  const { execa } = await import('execa');
  await execa('taskkill', ['/pid', String(pid), '/T', '/F'], { reject: false, windowsHide: true, stdio: 'ignore', timeout: TASKKILL_TIMEOUT_MS }).catch(() => undefined);
}

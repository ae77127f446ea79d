import { setMaxListeners } from 'node:events';
import { InterruptedError, TimeoutError, toOpsError, type OpsError } from '../errors.js';
import { durationOption } from '../config/duration.js';
import { runCleanupsSync } from '../process/cleanup.js';
import { redact, redactData } from '../process/redact.js';
import { columnsOf, setOutputColumns } from '../output/fit.js';
import { colorEnabled, loadStyle, type Style } from '../output/style.js';
import type { CommandName } from '../registry/commands.js';
import type { GlobalOptions } from '../registry/program.js';
import { createContext } from './context.js';
import { errorDocument } from './error-document.js';
import { loadCommand } from './loaders.js';
import type { Heartbeat } from '../schedule/heartbeat.js';
import { heartbeatOfThisRun } from '../schedule/this-run.js';

/** A command that ignores its abort signal gets this long to clean up before the process exits anyway. */
const ABORT_GRACE_MS = 5000;

/** Runs one command: the only place that maps errors to exit codes and writes results to stdout. */
export async function executeCommand(name: CommandName, globals: GlobalOptions, options: Record<string, unknown>, args: string[]): Promise<number> {
  const outStyle = await loadStyle(colorEnabled(process.stdout, { noColorFlag: !globals.color, env: process.env }));
  const errStyle = await loadStyle(colorEnabled(process.stderr, { noColorFlag: !globals.color, env: process.env }));
  setOutputColumns(columnsOf(process.env, process.stdout));
  const controller = new AbortController();
  // Every running child and probe listens to this one signal: dozens at once are expected, not a leak.
  setMaxListeners(0, controller.signal);
  const stopSignals = watchSignals(controller);
  let heartbeat: Heartbeat | undefined;
  try {
    const timer = startTimeout(globals.timeout, controller);
    const ctx = await createContext({ globals, signal: controller.signal, style: errStyle, outStyle });
    if (globals.lockWait !== undefined) {
      const ms = durationOption('--lock-wait', globals.lockWait);
      const { setLockWait } = await import('../history/lock.js');
      setLockWait({ ms, signal: controller.signal, onWait: (locked) => ctx.log.warn(`${locked.message} Waiting up to ${globals.lockWait} for it (--lock-wait).`) });
    }
    // A run started by a schedule journals itself (and pings), so monitor can tell a missed run.
    heartbeat = await heartbeatOfThisRun(ctx, name);
    const module = (await loadCommand(name))!;
    const result = await untilAbortedTooLong(module.run(ctx, options, args), controller.signal);
    clearTimeout(timer);
    // A reader that closes stdout early (`| head -1`) makes the write fail with EPIPE, and main exits with
    // process.exitCode then: it must already be the command's own code, not 0.
    process.exitCode = result.exitCode ?? 0;
    if (!result.streamed) {
      const text = globals.json ? JSON.stringify(redactData(result.data), null, 2) : redact(module.render(result.data as never, outStyle));
      await writeStdout(text);
    }
    await heartbeat?.finish(result.exitCode ?? 0);
    return result.exitCode ?? 0;
  } catch (raw) {
    const error = toOpsError(raw);
    await reportError(error, raw, globals, errStyle);
    await heartbeat?.finish(error.exitCode);
    // Interrupted or timed out: a child's child may still hold a pipe open; do not wait for it.
    if (controller.signal.aborted) {
      runCleanupsSync();
      process.exit(error.exitCode);
    }
    return error.exitCode;
  } finally {
    stopSignals();
  }
}

function startTimeout(value: string | undefined, controller: AbortController): NodeJS.Timeout | undefined {
  if (value === undefined) return undefined;
  const ms = durationOption('--timeout', value);
  const timer = setTimeout(() => controller.abort(new TimeoutError(`Timed out after ${value}.`, 'Raise --timeout, or find out with --verbose which step is slow.')), ms);
  timer.unref();
  return timer;
}

/** First Ctrl-C (or SIGTERM) aborts: children are stopped and `finally` blocks release locks. A second one exits at once. */
function watchSignals(controller: AbortController): () => void {
  const onSignal = () => {
    if (controller.signal.aborted) {
      runCleanupsSync();
      process.exit(130);
    }
    // What was and was not undone is the command's to say (a deploy interrupted after its switch says it in its result).
    controller.abort(new InterruptedError('Interrupted.', 'Run the command again when ready.'));
  };
  // SIGHUP: the terminal or SSH session went away. Node's default would exit at once, leaving the lock,
  // the journal entry and a deploy's rollback undone; like nohup, the command finishes instead.
  const onHangup = () => undefined;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onHangup);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onHangup);
  };
}

async function untilAbortedTooLong<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    const giveUp = () => {
      timer = setTimeout(() => {
        runCleanupsSync();
        reject(signal.reason);
      }, ABORT_GRACE_MS);
      timer.unref();
    };
    if (signal.aborted) giveUp();
    else signal.addEventListener('abort', giveUp, { once: true });
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function reportError(error: OpsError, raw: unknown, globals: GlobalOptions, style: Style): Promise<void> {
  if (globals.json) await writeStdout(errorDocument(error));
  process.stderr.write(`${style.red(`error: ${redact(error.message)}`)}\n`);
  if (error.hint) process.stderr.write(`${style.dim(redact(error.hint))}\n`);
  if (globals.verbose && raw instanceof Error && raw.stack) process.stderr.write(`${style.dim(redact(raw.stack))}\n`);
}

function writeStdout(text: string): Promise<void> {
  if (text === '') return Promise.resolve();
  return new Promise((resolve) => process.stdout.write(`${text}\n`, () => resolve()));
}

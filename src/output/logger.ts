import type { Writable } from 'node:stream';
import { redact } from '../process/redact.js';
import type { Style } from './style.js';

/** Progress and diagnostics: always stderr, so stdout carries data only. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Shown only with --verbose. */
  debug(message: string): void;
  /** The plan (`would run: ...`) and verbose command lines: shown even with --quiet. */
  plan(message: string): void;
  /** Something people must see even with --quiet (monitor's alerts), without the red of an error. */
  notice(message: string): void;
  /** A step that ends in done or fail: a spinner on an interactive TTY, timestamped lines elsewhere. */
  step(message: string): StepHandle;
}

export interface StepHandle {
  done(message?: string): void;
  fail(message?: string): void;
}

export interface LoggerOptions {
  stream: Writable & { isTTY?: boolean };
  style: Style;
  quiet: boolean;
  verbose: boolean;
  /** stderr is a TTY and not CI: spinners allowed. */
  interactive: boolean;
  now?: () => Date;
}

type Spinner = { start(): Spinner; succeed(text?: string): void; fail(text?: string): void };
type SpinnerFactory = (text: string) => Spinner;

export function createLogger(options: LoggerOptions): Logger {
  // A terminal that reports 0 columns (a pty with no size, as `script` makes) would get a redraw per frame
  // that never fits: there, steps are plain lines.
  const sized = (options.stream as { columns?: number }).columns !== 0;
  return buildLogger(options, options.interactive && !options.quiet && sized ? lazySpinners(options.stream) : undefined);
}

/** ora costs ~50 ms to import: load it when the first step starts, not for commands that never show one. */
function lazySpinners(stream: Writable): SpinnerFactory {
  let loading: Promise<(opts: object) => Spinner> | undefined;
  return (text) => {
    let real: Spinner | undefined;
    let finished = false;
    const spinner: Spinner = {
      start() {
        loading ??= import('ora').then((m) => m.default as unknown as (opts: object) => Spinner);
        loading.then((ora) => {
          if (!finished) real = ora({ text, stream, color: 'cyan' }).start();
        }, () => undefined);
        return spinner;
      },
      succeed(line) {
        finished = true;
        if (real) real.succeed(line);
        else stream.write(`✔ ${line ?? text}\n`);
      },
      fail(line) {
        finished = true;
        if (real) real.fail(line);
        else stream.write(`✖ ${line ?? text}\n`);
      },
    };
    return spinner;
  };
}

export function buildLogger(options: LoggerOptions, spinnerFactory?: SpinnerFactory): Logger {
  const { style, stream } = options;
  const now = options.now ?? (() => new Date());
  const write = (line: string) => stream.write(`${redact(line)}\n`);
  // Outside a TTY (cron, CI) every line carries a timestamp so logs read on their own.
  const stamp = (line: string) => (options.interactive ? line : `${now().toISOString()} ${line}`);
  const say = (line: string) => {
    if (!options.quiet) write(stamp(line));
  };
  return {
    info: (message) => say(message),
    warn: (message) => say(style.yellow(`warning: ${message}`)),
    error: (message) => write(stamp(style.red(message))),
    debug: (message) => {
      if (options.verbose) write(stamp(style.dim(message)));
    },
    plan: (message) => write(stamp(message)),
    notice: (message) => write(stamp(message)),
    step(message) {
      const started = Date.now();
      const took = () => style.dim(` (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      if (spinnerFactory) {
        const spinner = spinnerFactory(redact(message)).start();
        return {
          done: (text) => spinner.succeed(redact(text ?? message) + took()),
          fail: (text) => spinner.fail(redact(text ?? message) + took()),
        };
      }
      say(`${style.cyan('›')} ${message}`);
      return {
        done: (text) => say(`${style.green('✔')} ${text ?? message}${took()}`),
        fail: (text) => write(stamp(`${style.red('✖')} ${text ?? message}${took()}`)),
      };
    },
  };
}

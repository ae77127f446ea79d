import { existsSync } from 'node:fs';
import type { Transform, Writable } from 'node:stream';
import { OpsError, ToolError, ToolMissingError } from '../errors.js';
import { formatCommand, type Command } from './command.js';
import { abortReason } from './delay.js';
import { redact } from './redact.js';
import { untilAborted } from './stop-child.js';
import { installHint } from './tools.js';
import { which } from './which.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** True when --dry-run kept the command from running. */
  skipped: boolean;
  /** The signal the child died of (SIGKILL from the OOM killer), when it did; exitCode is then 1. */
  signal?: string;
}

export interface RunOptions {
  /** Return a non-zero exit instead of throwing ToolError. */
  allowFailure?: boolean;
  /** Stops this command only (a probe's own timeout); its reason is what the run rejects with. */
  signal?: AbortSignal;
}

export interface StreamOptions extends RunOptions {
  /** Where the child's stdout goes (a file), after `through`; the run settles once all of it is written. */
  to: Writable;
  /** Transforms between the child's stdout and `to` (a hash, a byte count). */
  through?: readonly Transform[];
  /** Where the child's stderr goes instead of being kept for the error message (a log reader's second stream). */
  stderrTo?: Writable;
}

export interface Runner {
  readonly dryRun: boolean;
  run(cmd: Command, options?: RunOptions): Promise<RunResult>;
  /**
   * Runs a command whose stdout is data (a dump): piped with backpressure into `to`, never held in
   * memory. Its `stdout` is ''. A failed write (a full disk) stops the child and rejects with the
   * write's error; a failed child rejects with ToolError as `run` does. `to` is ended or destroyed
   * by the run in every case.
   */
  stream(cmd: Command, options: StreamOptions): Promise<RunResult>;
}

export interface RunnerOptions {
  dryRun: boolean;
  verbose: boolean;
  signal: AbortSignal;
  /** Where `would run:` and verbose `$ ...` lines go (stderr in the CLI). */
  log: (line: string) => void;
  /** The environment executables are looked up in; the child inherits process.env plus cmd.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

const STDERR_TAIL_LINES = 12;

const SKIPPED: RunResult = { stdout: '', stderr: '', exitCode: 0, skipped: true };

export function createRunner(options: RunnerOptions): Runner {
  /** The combined signal, or undefined when --dry-run keeps the command from running. */
  const prepare = (cmd: Command, runOptions: RunOptions, shown: string): AbortSignal | undefined => {
    if (options.dryRun && !cmd.readOnly) {
      options.log(`would run: ${shown}`);
      return undefined;
    }
    const signal = runOptions.signal ? AbortSignal.any([options.signal, runOptions.signal]) : options.signal;
    if (signal.aborted) throw abortReason(signal);
    assertRunnable(cmd, { ...(options.env ?? process.env), ...cmd.env });
    if (options.verbose) options.log(`$ ${shown}`);
    return signal;
  };
  return {
    dryRun: options.dryRun,
    async run(cmd, runOptions = {}) {
      const signal = prepare(cmd, runOptions, formatCommand(cmd));
      if (!signal) return { ...SKIPPED };
      const cancel = new AbortController();
      const { execa } = await loadExeca();
      const subprocess = execa(cmd.file, [...cmd.args], {
        cwd: cmd.cwd,
        env: cmd.env,
        input: cmd.input ?? cmd.stdin,
        cancelSignal: cancel.signal,
        reject: false,
        windowsHide: true,
        stdin: cmd.input === undefined && cmd.stdin === undefined ? 'ignore' : 'pipe',
      });
      const result = await untilAborted(subprocess, signal, cancel);
      if (result.code === 'ENOENT') throw missingTool(cmd.file);
      const outcome: RunResult = { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? 1, skipped: false, ...killedBy(result.signal) };
      if (outcome.exitCode !== 0 && !runOptions.allowFailure) throw toolFailure(cmd, outcome);
      return outcome;
    },
    async stream(cmd, { to, through = [], stderrTo, ...runOptions }) {
      let signal: AbortSignal | undefined;
      try {
        signal = prepare(cmd, runOptions, `${formatCommand(cmd)} > (stream)`);
      } finally {
        // `to` belongs to the run from the call on: closed when nothing will flow into it.
        if (!signal) {
          to.destroy();
          stderrTo?.destroy();
        }
      }
      if (!signal) return { ...SKIPPED };
      const cancel = new AbortController();
      // Both loaded on the first streamed run, not at start-up (execa, and stream/promises' few ms).
      const [{ execa }, { pipeline }] = await Promise.all([loadExeca(), import('node:stream/promises')]);
      const subprocess = execa(cmd.file, [...cmd.args], {
        cwd: cmd.cwd,
        env: cmd.env,
        cancelSignal: cancel.signal,
        reject: false,
        windowsHide: true,
        stdin: 'ignore',
        buffer: { stdout: false, stderr: !stderrTo },
      });
      // A write that fails (ENOSPC) must stop the child, or it would block on a full pipe forever.
      let writeError: unknown;
      const onWriteError = (error: unknown) => {
        writeError ??= error;
        subprocess.kill();
      };
      const piped = Promise.all([
        pipeline([subprocess.stdout, ...through, to]).catch(onWriteError),
        stderrTo ? pipeline(subprocess.stderr, stderrTo).catch(onWriteError) : undefined,
      ]);
      const result = await untilAborted(subprocess, signal, cancel);
      await piped;
      if (result.code === 'ENOENT') throw missingTool(cmd.file);
      if (writeError !== undefined && !signal.aborted) throw writeError;
      if (signal.aborted) throw abortReason(signal);
      const outcome: RunResult = { stdout: '', stderr: stderrTo ? '' : String(result.stderr ?? ''), exitCode: result.exitCode ?? 1, skipped: false, ...killedBy(result.signal) };
      if (outcome.exitCode !== 0 && !runOptions.allowFailure) throw toolFailure(cmd, outcome);
      return outcome;
    },
  };
}

/**
 * Looked up before spawning: on Windows an unknown command would run as `cmd.exe /c name` and fail
 * with exit 1 instead of ENOENT. A missing working directory is said as such, not as a missing tool.
 */
function assertRunnable(cmd: Command, env: Readonly<Record<string, string | undefined>>): void {
  const bare = !/[\\/]/.test(cmd.file);
  if (bare ? !which(cmd.file, env) : !existsSync(cmd.file)) throw missingTool(cmd.file);
  if (cmd.cwd && !existsSync(cmd.cwd)) {
    throw new OpsError(`Cannot run ${cmd.file}: its working directory ${cmd.cwd} does not exist.`, 'Check the paths in opsctl.yaml.');
  }
}

function missingTool(file: string): ToolMissingError {
  return new ToolMissingError(`${file} is not installed or not on PATH.`, installHint(file), { tool: file });
}

/** execa (about 100 modules) loads when a command first runs a child: `logs` over files never does. */
function loadExeca(): Promise<typeof import('execa')> {
  return import('execa');
}

/** Only when there was one: a result compared whole (toEqual, JSON) keeps its old shape otherwise. */
function killedBy(signal: string | undefined): Pick<RunResult, 'signal'> {
  return signal ? { signal } : {};
}

export function toolFailure(cmd: Command, result: Pick<RunResult, 'exitCode' | 'stderr' | 'signal'>): ToolError {
  // Only stderr: stdout may hold data with secrets nobody registered (pm2 jlist prints every app's env).
  const tail = redact(lastLines(result.stderr, STDERR_TAIL_LINES));
  const how = result.signal ? `was killed by ${result.signal}` : `failed with exit code ${result.exitCode}`;
  const message = `${formatCommand(cmd)} ${how}.` + (tail ? `\n${tail}` : '');
  return new ToolError(message, 'Check the output above; run with --verbose to see every command opsctl runs.', {
    argv: formatCommand(cmd),
    exitCode: result.exitCode,
    ...(result.signal ? { signal: result.signal } : {}),
    stderrTail: tail,
  });
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split(/\r?\n/).slice(-count).join('\n');
}


import { execa } from 'execa';
import { InterruptedError, OpsError, ToolError, ToolMissingError } from '../errors.js';
import { formatCommand, type Command } from './command.js';
import { redact } from './redact.js';
import { installHint } from './tools.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** True when --dry-run kept the command from running. */
  skipped: boolean;
}

export interface RunOptions {
  /** Return a non-zero exit instead of throwing ToolError. */
  allowFailure?: boolean;
}

export interface Runner {
  readonly dryRun: boolean;
  run(cmd: Command, options?: RunOptions): Promise<RunResult>;
}

export interface RunnerOptions {
  dryRun: boolean;
  verbose: boolean;
  signal: AbortSignal;
  /** Where `would run:` and verbose `$ ...` lines go (stderr in the CLI). */
  log: (line: string) => void;
}

const STDERR_TAIL_LINES = 12;

export function createRunner(options: RunnerOptions): Runner {
  return {
    dryRun: options.dryRun,
    async run(cmd, runOptions = {}) {
      if (options.dryRun && !cmd.readOnly) {
        options.log(`would run: ${formatCommand(cmd)}`);
        return { stdout: '', stderr: '', exitCode: 0, skipped: true };
      }
      if (options.signal.aborted) throw abortReason(options.signal);
      if (options.verbose) options.log(`$ ${formatCommand(cmd)}`);
      const result = await execa(cmd.file, [...cmd.args], {
        cwd: cmd.cwd,
        env: cmd.env,
        input: cmd.input,
        cancelSignal: options.signal,
        reject: false,
        windowsHide: true,
        stdin: cmd.input === undefined ? 'ignore' : 'pipe',
      });
      if (result.isCanceled) throw abortReason(options.signal);
      if (result.code === 'ENOENT') {
        throw new ToolMissingError(`${cmd.file} is not installed or not on PATH.`, installHint(cmd.file), { tool: cmd.file });
      }
      const outcome: RunResult = {
        stdout: result.stdout,
        stderr: result.stderr,
        exitCode: result.exitCode ?? 1,
        skipped: false,
      };
      if (outcome.exitCode !== 0 && !runOptions.allowFailure) throw toolFailure(cmd, outcome);
      return outcome;
    },
  };
}

export function toolFailure(cmd: Command, result: Pick<RunResult, 'exitCode' | 'stderr' | 'stdout'>): ToolError {
  const tail = lastLines(result.stderr || result.stdout, STDERR_TAIL_LINES);
  const message = `${formatCommand(cmd)} failed with exit code ${result.exitCode}.` + (tail ? `\n${redact(tail)}` : '');
  return new ToolError(message, `Check the output above; run with --verbose to see every command opsctl runs.`, {
    argv: formatCommand(cmd),
    exitCode: result.exitCode,
    stderrTail: redact(tail),
  });
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split(/\r?\n/).slice(-count).join('\n');
}

function abortReason(signal: AbortSignal): OpsError {
  const reason: unknown = signal.reason;
  return reason instanceof OpsError ? reason : new InterruptedError('Interrupted.');
}

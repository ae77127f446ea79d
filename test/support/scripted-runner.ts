import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { onTestFinished } from 'vitest';
import { formatCommand, type Command } from '../../src/process/command.js';
import { toolFailure, type Runner, type RunOptions, type RunResult, type StreamOptions } from '../../src/process/runner.js';

/** One command the code under test is allowed to run, and what it gets back. */
export interface Expected {
  file: string;
  args: readonly string[];
  stdout?: string;
  stderr?: string;
  /** Defaults to 0; non-zero throws ToolError unless the caller passed allowFailure, like the real runner. */
  exitCode?: number;
  /** Thrown instead of returning a result (e.g. a ToolMissingError). */
  error?: Error;
  /** When given, the command must carry this readOnly mark. */
  readOnly?: boolean;
  /** The code may skip it; otherwise an expected command that never ran fails the test. */
  optional?: boolean;
}

export interface ScriptedRunner extends Runner {
  /** Commands that ran, in order. */
  readonly ran: Command[];
  /** Non-read-only commands that --dry-run kept from running. */
  readonly skipped: Command[];
  /** Commands nobody told the runner to expect. */
  readonly unexpected: Command[];
  /** The argv of every command that ran, formatted as the CLI prints it. */
  lines(): string[];
  /** Throws when a command was unexpected or an expected one never ran; also runs when the test ends. */
  verify(): void;
}

export interface ScriptOptions {
  dryRun?: boolean;
  /** Verify when the test ends (default). Off only in the runner's own tests. */
  verifyAtEnd?: boolean;
}

/**
 * A Runner that runs nothing: it answers from a script and fails the test on any command it was not given.
 * Matching is by file and exact args, in any order (commands may run concurrently); each expectation answers once.
 */
export function scriptedRunner(script: readonly Expected[], options: ScriptOptions = {}): ScriptedRunner {
  const pending = script.map((expected) => ({ expected, used: false }));
  const ran: Command[] = [];
  const skipped: Command[] = [];
  const unexpected: Command[] = [];
  const problems: string[] = [];

  const runner: ScriptedRunner = {
    dryRun: Boolean(options.dryRun),
    ran,
    skipped,
    unexpected,
    lines: () => ran.map((cmd) => formatCommand(cmd)),
    async run(cmd: Command, runOptions: RunOptions = {}): Promise<RunResult> {
      if (runner.dryRun && !cmd.readOnly) {
        skipped.push(cmd);
        return { stdout: '', stderr: '', exitCode: 0, skipped: true };
      }
      const slot = pending.find((p) => !p.used && p.expected.file === cmd.file && sameArgs(p.expected.args, cmd.args));
      if (!slot) {
        unexpected.push(cmd);
        const message = `scripted runner: unexpected command: ${formatCommand(cmd)}\n  still expected: ${describePending(pending)}`;
        problems.push(message);
        throw new Error(message);
      }
      slot.used = true;
      ran.push(cmd);
      const { expected } = slot;
      if (expected.readOnly !== undefined && expected.readOnly !== cmd.readOnly) {
        problems.push(`scripted runner: ${formatCommand(cmd)} should have readOnly=${expected.readOnly}`);
      }
      if (expected.error) throw expected.error;
      const result: RunResult = { stdout: expected.stdout ?? '', stderr: expected.stderr ?? '', exitCode: expected.exitCode ?? 0, skipped: false };
      if (result.exitCode !== 0 && !runOptions.allowFailure) throw toolFailure(cmd, result);
      return result;
    },
    // The scripted stdout is the data: it flows through the same transforms into the same sink.
    async stream(cmd: Command, { to, through = [], stderrTo, ...runOptions }: StreamOptions): Promise<RunResult> {
      const result = await runner.run(cmd, { ...runOptions, allowFailure: true });
      if (result.skipped) return result;
      await pipeline([Readable.from([Buffer.from(result.stdout)]), ...through, to]);
      if (stderrTo) await pipeline(Readable.from([Buffer.from(result.stderr)]), stderrTo);
      if (result.exitCode !== 0 && !runOptions.allowFailure) throw toolFailure(cmd, result);
      return { ...result, stdout: '' };
    },
    verify() {
      const missing = pending.filter((p) => !p.used && !p.expected.optional).map((p) => `scripted runner: expected but never ran: ${formatCommand(p.expected)}`);
      const all = [...problems, ...missing];
      if (all.length > 0) throw new Error(all.join('\n'));
    },
  };
  if (options.verifyAtEnd !== false) verifyWhenTestEnds(runner);
  return runner;
}

function verifyWhenTestEnds(runner: ScriptedRunner): void {
  try {
    onTestFinished(() => runner.verify());
  } catch {
    // Created outside a running test (e.g. at module level): the caller verifies explicitly.
  }
}

function sameArgs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arg, i) => arg === b[i]);
}

function describePending(pending: readonly { expected: Expected; used: boolean }[]): string {
  const left = pending.filter((p) => !p.used).map((p) => formatCommand(p.expected));
  return left.length > 0 ? left.join(' | ') : '(nothing)';
}

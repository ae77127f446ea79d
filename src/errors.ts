/** Every error opsctl raises on purpose knows its exit code and a hint saying what to do next. */
export class OpsError extends Error {
  readonly exitCode: number = 1;
  readonly code: string = 'failed';
  constructor(
    message: string,
    readonly hint?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends OpsError {
  override readonly exitCode = 2;
  override readonly code = 'usage';
}

export class ConfigError extends OpsError {
  override readonly exitCode = 2;
  override readonly code = 'config';
}

export class ToolMissingError extends OpsError {
  override readonly exitCode = 127;
  override readonly code = 'tool-missing';
}

/** A child process failed: message names the (redacted) argv and exit code; details carry the stderr tail. */
export class ToolError extends OpsError {
  override readonly code = 'tool-failed';
}

export class LockedError extends OpsError {
  override readonly exitCode = 4;
  override readonly code = 'locked';
}

export class InterruptedError extends OpsError {
  override readonly exitCode = 130;
  override readonly code = 'interrupted';
}

export class TimeoutError extends OpsError {
  override readonly code = 'timeout';
}

export function toOpsError(error: unknown): OpsError {
  if (error instanceof OpsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new OpsError(message, 'Run again with --verbose for the stack trace, and report it if it persists.');
}

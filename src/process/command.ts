import type { Readable } from 'node:stream';
import { redact } from './redact.js';

/** An external command described as a value: built by pure functions, executed only by the runner. */
export interface Command {
  /** Executable name looked up on PATH (execa resolves Windows .cmd shims). */
  file: string;
  args: readonly string[];
  /** Extra environment for the child; the only place secrets may travel. Never printed. */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** True when running it changes nothing: only read-only commands run under --dry-run. */
  readOnly: boolean;
  /** Text written to the child's stdin. */
  input?: string;
  /** A stream piped into the child's stdin instead (a dump decrypted on the fly, fed to pg_restore). */
  stdin?: Readable;
}

export function command(file: string, args: readonly string[], options: Omit<Command, 'file' | 'args'>): Command {
  return { file, args, ...options };
}

/** The argv as one shell-like line for people to read, quoted where needed and with secrets masked. */
export function formatCommand(cmd: Pick<Command, 'file' | 'args'>): string {
  // Redact before quoting: quoting rewrites a "'" inside a secret, which would then no longer match.
  return [cmd.file, ...cmd.args].map((arg) => quoteArg(redact(arg))).join(' ');
}

function quoteArg(arg: string): string {
  if (arg === '') return "''";
  if (/^[\w@%+=:,./*-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

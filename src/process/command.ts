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

/**
 * The argv as one line for people to read, with secrets masked: POSIX shell quoting, or on Windows the
 * command line CreateProcess gets (how Node quotes argv there), so `would run:` can be pasted where it runs.
 */
export function formatCommand(cmd: Pick<Command, 'file' | 'args'>, platform: NodeJS.Platform = process.platform): string {
  const quote = platform === 'win32' ? quoteWindowsArg : quotePosixArg;
  // Redact before quoting: quoting rewrites a "'" inside a secret, which would then no longer match.
  return [cmd.file, ...cmd.args].map((arg) => quote(redact(arg))).join(' ');
}

function quotePosixArg(arg: string): string {
  if (arg === '') return "''";
  if (/^[\w@%+=:,./*-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** libuv's quote_cmd_arg: the rules the Microsoft C runtime (and node.exe) parse a command line back by. */
function quoteWindowsArg(arg: string): string {
  if (arg === '') return '""';
  if (!/[ \t"]/.test(arg)) return arg;
  let quoted = '';
  let backslashes = 0;
  for (const char of arg) {
    if (char === '\\') {
      backslashes += 1;
      continue;
    }
    // Backslashes are literal unless a quote follows: then each is doubled, and the quote escaped.
    quoted += char === '"' ? `${'\\'.repeat(backslashes * 2)}\\"` : `${'\\'.repeat(backslashes)}${char}`;
    backslashes = 0;
  }
  // Trailing ones are doubled too: the closing quote follows them.
  return `"${quoted}${'\\'.repeat(backslashes * 2)}"`;
}

import path from 'node:path';
import { UsageError } from '../errors.js';
import { loadRunbooks, stepLabel } from '../runbook/load.js';
import type { Runbook } from '../runbook/schema.js';
import { assertNoPassword } from './job.js';

/** A runbook by name, or why it could not be read: schedule checks whether a scheduled run would ask. */
export type RunbookLookup = (name: string) => Runbook | string;

export interface PreparedCommand {
  /** The command as the entry will run it (monitor gains --once). */
  command: string[];
  /** What schedule changed or could not check, said on stderr and in --json. */
  notes: string[];
}

const YES_HINT = 'Pass --yes to schedule itself (opsctl schedule -e <env> --daily 02:00 --yes -- <command>): cron and Task Scheduler have no terminal to answer on, so the entry answers yes.';

/** A scheduled run has no terminal and no end: commands that never exit or that ask are refused or fixed here. */
export function prepareCommand(command: readonly string[], yes: boolean, lookup: RunbookLookup): PreparedCommand {
  // First: a password is the problem to fix whatever else is wrong with the command.
  assertNoPassword(command);
  const notes: string[] = [];
  if (command[0] === 'logs' && command.some(isFollow)) {
    throw new UsageError('logs --follow never exits: each scheduled run would start another reader that stays forever.', 'Schedule logs with --since (e.g. -- logs --since 1h --level error), or run logs -f yourself.');
  }
  const ready = [...command];
  if (command[0] === 'monitor' && !command.includes('--once')) {
    ready.push('--once');
    notes.push('monitor runs until it is stopped: added --once, so each scheduled run does one round and exits with health-check\'s codes.');
  }
  // A run that meets a deploy or another job holding the lock waits for it instead of missing its turn (exit 4).
  if (LOCKING.has(command[0] ?? '') && !command.some((arg) => arg === '--lock-wait' || arg.startsWith('--lock-wait='))) ready.push('--lock-wait', SCHEDULED_LOCK_WAIT);
  const asks: Asks = yes ? { kind: 'no' } : whatAsks(ready, lookup, 0);
  if (asks.kind === 'asks') {
    throw new UsageError(`${asks.what} asks for confirmation, and a scheduled run has no one to answer: every run would fail with exit 2.`, YES_HINT);
  }
  if (asks.kind === 'unknown') notes.push(`could not check whether ${asks.what}; if it asks for confirmation, every run fails with exit 2 unless schedule is given --yes.`);
  return { command: ready, notes };
}

/** Commands that take the environment's lock: a scheduled one waits for it rather than missing its run. */
const LOCKING = new Set(['backup', 'cleanup', 'restore', 'deploy', 'rollback', 'scale', 'restart', 'stop', 'start', 'migrate', 'exec', 'db']);
const SCHEDULED_LOCK_WAIT = '30m';

/** --follow, -f, or -f among logs' other short flags without a value (-if). */
const isFollow = (arg: string) => arg === '--follow' || /^-i*fi*$/.test(arg);

const hasFlag = (command: readonly string[], ...flags: string[]) => command.some((arg) => flags.includes(arg));

type Asks = { kind: 'asks'; what: string } | { kind: 'unknown'; what: string } | { kind: 'no' };

/** Which part of the command would ask (cleanup, restore, rollback --restore-db, a runbook's steps). */
function whatAsks(argv: readonly string[], lookup: RunbookLookup, depth: number): Asks {
  const [name, action, book] = argv;
  if (hasFlag(argv, '--yes', '-y', '--dry-run')) return { kind: 'no' };
  if (name === 'cleanup' || name === 'restore') return { kind: 'asks', what: name };
  if (name === 'rollback' && argv.includes('--restore-db')) return { kind: 'asks', what: 'rollback --restore-db' };
  if (name !== 'runbook' || action !== 'run') return { kind: 'no' };
  if (book === undefined || book.startsWith('-') || depth > 4) return { kind: 'unknown', what: 'the runbook run asks' };
  const found = lookup(book);
  if (typeof found === 'string') return { kind: 'unknown', what: `runbook ${book} asks (${found})` };
  return runbookAsks(found, lookup, depth);
}

/** A step with confirm asks; so does an opsctl step that asks itself (the runbook passes --yes only to confirmed steps). */
function runbookAsks(book: Runbook, lookup: RunbookLookup, depth: number): Asks {
  let unknown: Asks | undefined;
  for (const [index, step] of book.steps.entries()) {
    const where = `runbook ${book.name} ${stepLabel(index, step.name)}`;
    if (step.confirm !== false) return { kind: 'asks', what: where };
    const inner = step.opsctl ? whatAsks(step.opsctl, lookup, depth + 1) : { kind: 'no' as const };
    if (inner.kind === 'asks') return { kind: 'asks', what: `${where} (${inner.what})` };
    if (inner.kind === 'unknown') unknown ??= { kind: 'unknown', what: `${where}: ${inner.what}` };
  }
  return unknown ?? { kind: 'no' };
}

/** Runbooks as `runbook run` finds them: the shipped ones and the config's runbooks: folder. */
export function runbookLookup(config: { dir: string; runbooks?: string }): RunbookLookup {
  return (name) => {
    try {
      const userDir = config.runbooks === undefined ? undefined : path.resolve(config.dir, config.runbooks);
      return loadRunbooks(userDir).get(name) ?? `no runbook is named "${name}"`;
    } catch (error) {
      return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
    }
  };
}

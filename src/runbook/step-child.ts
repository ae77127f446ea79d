// What a step's child process leaves besides its result: its stderr, and an exit 130 that may or may not be a Ctrl-C.
import { stripVTControlCharacters } from 'node:util';
import type { Context } from '../context.js';
import { stepLabel } from './load.js';
import type { PlannedStep } from './plan.js';

/** A child's warnings (a log file that does not exist) always show: they may mean its result is hollow. The rest only with --verbose. */
export function passStderr(ctx: Context, planned: PlannedStep, stderr: string): void {
  for (const line of stderr.split(/\r?\n/).filter(Boolean)) {
    // A child's stderr is no terminal: its lines carry a timestamp and, with FORCE_COLOR, colour.
    const warning = /^(?:\S+Z )?warning: (.*)$/.exec(stripVTControlCharacters(line));
    if (warning) ctx.log.warn(`${stepLabel(planned.index, planned.name)}: ${warning[1]}`);
    else ctx.log.debug(`  ${line}`);
  }
}

/**
 * A child exits 130 on Ctrl-C, but a script may exit 130 on its own: only a Ctrl-C that reached this process
 * too (its signal aborted) stops the run. Ctrl-C reaches child and parent at once: the handler gets a turn first.
 */
export async function interrupted(signal: AbortSignal): Promise<boolean> {
  if (!signal.aborted) await new Promise((resolve) => setImmediate(resolve));
  return signal.aborted;
}

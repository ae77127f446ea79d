import { formatDuration } from '../config/duration.js';
import { OpsError } from '../errors.js';
import { healthGate, type GateResult } from './gate.js';
import type { Session } from './session.js';
import type { StepPrefix } from './steps.js';
import { LAST_LINES } from '../logs/last-lines.js';
import type { LogMark, PreparedRelease } from './types.js';

export interface SwitchOutcome {
  ok: boolean;
  /** The switch command ran (or started): from here on the target may run the release. */
  switched: boolean;
  health: GateResult | null;
  error: string | null;
  /** After a failed switch or gate: the release's own stderr and error-level lines since the switch. */
  lastLines: string[];
}

class GateFailure extends OpsError {
  constructor(readonly gate: GateResult) {
    super(gate.reason ?? 'the health gate failed', 'See the health results.');
  }
}

/**
 * Makes `release` the running one, then holds it to the health gate. A failing switch or gate is an
 * outcome, not a throw: the caller decides about rolling back. Interruption (Ctrl-C, --timeout) throws.
 * `prefix` names the steps of a rollback ("rollback switch", "rollback health").
 */
export async function switchTo(session: Session, release: PreparedRelease, prefix: StepPrefix = ''): Promise<SwitchOutcome> {
  const { ctx, driver, steps, gate } = session;
  const mark = ctx.dryRun ? undefined : await markLogs(session);
  try {
    await steps.run(`${prefix}switch`, `${driver.kind} ${driver.name} to ${release.shortSha}`, () => driver.activate(release, ctx.signal));
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    return { ok: false, switched: !ctx.dryRun, health: null, error: (error as Error).message, lastLines: await readMark(session, mark) };
  }
  if (ctx.dryRun) {
    ctx.log.plan(`would wait until ${driver.name} passes the health gate ${gate.passes} times in a row over at least ${formatDuration(gate.settleMs)}, within ${formatDuration(gate.timeoutMs)}`);
    return { ok: true, switched: false, health: null, error: null, lastLines: [] };
  }
  const deps = {
    environment: session.env.name,
    driver,
    probes: session.probes,
    signal: ctx.signal,
    now: () => ctx.now(),
    onRound: (round: number, passes: number, problems: string[]) =>
      ctx.log.debug(`health round ${round}: ${passes}/${gate.passes} in a row${problems.length > 0 ? `; ${problems.join('; ')}` : ''}`),
  };
  try {
    const health = await steps.run(`${prefix}health`, `${gate.passes} passes in a row over ${formatDuration(gate.settleMs)} within ${formatDuration(gate.timeoutMs)}`, async () => {
      const result = await healthGate(release, gate, deps);
      if (!result.passed) throw new GateFailure(result);
      return result;
    }, (result) => `healthy ${result.passes} times in a row (${result.target?.summary ?? 'no target sample'})`);
    return { ok: true, switched: true, health, error: null, lastLines: [] };
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    // A sample that cannot be taken (the engine went away) fails the gate like a failed probe.
    return { ok: false, switched: true, health: error instanceof GateFailure ? error.gate : null, error: (error as Error).message, lastLines: await readMark(session, mark) };
  }
}

/** Where the target's logs stand before the switch; none when they cannot be read (the gate does not depend on logs). */
async function markLogs(session: Session): Promise<LogMark | undefined> {
  try {
    return await session.driver.markLogs?.(session.ctx.signal);
  } catch (error) {
    session.ctx.log.debug(`the logs of ${session.driver.name} cannot be marked, so a failed gate shows no lines: ${(error as Error).message}`);
    return undefined;
  }
}

async function readMark(session: Session, mark: LogMark | undefined): Promise<string[]> {
  if (!mark) return [];
  try {
    return await mark(LAST_LINES);
  } catch (error) {
    if (session.ctx.signal.aborted) throw session.ctx.signal.reason;
    session.ctx.log.debug(`the last lines of ${session.driver.name} cannot be read: ${(error as Error).message}`);
    return [];
  }
}

import { runProbes, type PlannedProbe } from '../health/check.js';
import type { HealthReport, ProbeResult } from '../health/types.js';
import { formatDuration } from '../config/duration.js';
import { withDeadline } from '../process/deadline.js';
import { delay } from '../process/delay.js';
import type { DeployDriver, PreparedRelease, TargetSample } from './types.js';

export interface GateSettings {
  /** Consecutive passing rounds needed. */
  passes: number;
  intervalMs: number;
  timeoutMs: number;
  /** The passing streak must also span this long (an app crashing seconds after start). */
  settleMs: number;
}

export interface GateResult {
  passed: boolean;
  /** Consecutive passes reached (equals settings.passes when passed). */
  passes: number;
  rounds: number;
  durationMs: number;
  /** When the gate started (right after the switch) and when it gave its verdict, ISO 8601. */
  startedAt: string;
  endedAt: string;
  /** It failed early on conclusive evidence (see TargetSample.fatal), not at its deadline. */
  conclusive: boolean;
  /** Why it failed, in a sentence; null when it passed. */
  reason: string | null;
  target: TargetSample | null;
  probes: Pick<ProbeResult, 'name' | 'state' | 'reason'>[];
  /** After a failed gate: the release's own stderr and error-level lines since the switch, oldest first. */
  lastLines?: string[];
}

/** While a round fails, the next comes at most this soon: a crash loop is seen within seconds, whatever the interval. */
const FAILING_INTERVAL_MS = 1000;

export interface GateDeps {
  environment: string;
  driver: DeployDriver;
  /** The environment's endpoint and database probes, one attempt each per round. */
  probes: readonly PlannedProbe[];
  signal: AbortSignal;
  now: () => number;
  onRound?: (round: number, passes: number, problems: string[]) => void;
}

/**
 * The release is healthy when, `passes` rounds in a row: the target says every instance is up on it
 * with the same pids and restart counts as the round before (pm2 reports "online" while crash-looping,
 * so an unchanged fingerprint is the proof), and no probe is unhealthy. Degraded passes: slow is not down.
 * Conclusive evidence (an instance pm2 gave up on, a crash loop, an exited container) fails it at once.
 */
export async function healthGate(release: PreparedRelease, settings: GateSettings, deps: GateDeps): Promise<GateResult> {
  const started = deps.now();
  const deadline = started + settings.timeoutMs;
  const once = deps.probes.map((probe) => ({ ...probe, retries: 1 }));
  let passes = 0;
  let rounds = 0;
  let streakStarted = started;
  let fingerprint: string | undefined;
  let conclusive: string[] = [];
  let last: { target: TargetSample | null; report: HealthReport | null; problems: string[] } = { target: null, report: null, problems: [] };
  for (;;) {
    rounds += 1;
    const taken = await takeRound(release, once, deps, Math.max(deadline - deps.now(), 1));
    if (!taken) {
      last = { ...last, problems: ['a health round did not finish before the gate\'s deadline (a probe or the target does not answer)'] };
      passes = 0;
      break;
    }
    const [target, report] = taken;
    // Stability is judged against the previous passing round: the first ready round starts the count.
    const problems = roundProblems(target, report, passes > 0 ? fingerprint : undefined);
    passes = problems.length === 0 ? passes + 1 : 0;
    if (passes === 1) streakStarted = deps.now();
    fingerprint = target.fingerprint;
    // The reason of a failed gate is the newest round that failed, not a passing one after it.
    last = { target, report, problems: problems.length > 0 ? problems : last.problems };
    deps.onRound?.(rounds, passes, problems);
    conclusive = target.fatal ?? [];
    if (conclusive.length > 0) break;
    if (passes >= settings.passes && deps.now() - streakStarted >= settings.settleMs) break;
    const wait = problems.length > 0 ? Math.min(settings.intervalMs, FAILING_INTERVAL_MS) : settings.intervalMs;
    if (deps.now() + wait > deadline) break;
    if (!(await delay(wait, deps.signal))) throw deps.signal.reason;
  }
  const ended = deps.now();
  const passed = conclusive.length === 0 && passes >= settings.passes && ended - streakStarted >= settings.settleMs;
  return {
    passed,
    passes,
    rounds,
    durationMs: ended - started,
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(ended).toISOString(),
    conclusive: conclusive.length > 0,
    reason: passed ? null : conclusive.length > 0 ? `failed after ${formatDuration(ended - started)}, without waiting for the gate's timeout: ${conclusive.join('; ')}` : `not healthy ${settings.passes} times in a row${settings.settleMs > 0 ? ` over ${formatDuration(settings.settleMs)}` : ''} within ${formatDuration(settings.timeoutMs)}: ${last.problems.join('; ') || 'the passing streak was too short'}`,
    target: last.target,
    probes: (last.report?.probes ?? []).map(({ name, state, reason }) => ({ name, state, reason })),
  };
}

/** One look at the target and the probes, or undefined when it does not finish within `ms` (a stuck daemon, a hung connection). */
async function takeRound(release: PreparedRelease, probes: readonly PlannedProbe[], deps: GateDeps, ms: number): Promise<[TargetSample, HealthReport | null] | undefined> {
  try {
    return await withDeadline(ms, (limit) => {
      const signal = AbortSignal.any([deps.signal, limit]);
      const work = Promise.all([deps.driver.sample(release), probes.length > 0 ? runProbes(deps.environment, probes, { signal, now: deps.now }) : null] as const);
      // Past the deadline the round is abandoned: its late failure must not become an unhandled rejection.
      work.catch(() => undefined);
      const expired = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      return Promise.race([work, expired]);
    });
  } catch (error) {
    if (deps.signal.aborted) throw deps.signal.reason;
    if ((error as Error).name === 'TimeoutError') return undefined;
    throw error;
  }
}

function roundProblems(target: TargetSample, report: HealthReport | null, previous: string | undefined): string[] {
  const problems = target.ready ? [] : target.problems.length > 0 ? [...target.problems] : [`${target.summary}`];
  if (target.ready && previous !== undefined && previous !== target.fingerprint) problems.push(`instances restarted or were replaced (${target.summary})`);
  for (const probe of report?.probes ?? []) if (probe.state === 'unhealthy') problems.push(`${probe.name}: ${probe.reason}`);
  return problems;
}

import { postThrough } from '../alerts/webhook.js';
import { requireResolved } from '../config/interpolate.js';
import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { appendEntry, readEntries, type HistoryEntry, type OperationResult } from '../history/journal.js';
import { registerSecret } from '../process/redact.js';

/** The journal type of a scheduled run; details hold { schedule, command, exitCode }. */
export const SCHEDULED_RUN = 'scheduled-run';

export interface Heartbeat {
  /** Journals the run and sends the closing ping; never throws (the run's own outcome stands). */
  finish(exitCode: number): Promise<void>;
}

/** Starts the heartbeat of a run of `schedule` (this-run.ts found it): the /start ping now, the journal entry and closing ping at finish. */
export async function startHeartbeat(ctx: Context, env: SelectedEnvironment, schedule: string, command: string): Promise<Heartbeat> {
  const started = Date.now();
  const pingUrl = pingOf(ctx, env, schedule);
  if (pingUrl) await ping(ctx, pingUrl, 'start', schedule, `${command} started`);
  return {
    async finish(exitCode) {
      // 3 is a degraded health-check or monitor round: the run happened and said so.
      const result: OperationResult = exitCode === 0 ? 'success' : exitCode === 3 ? 'partial' : exitCode === 130 ? 'interrupted' : 'failed';
      try {
        await appendEntry(env.stateDir, { type: SCHEDULED_RUN, environment: env.name, app: env.app, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, result, details: { schedule, command, exitCode } });
      } catch (error) {
        ctx.log.warn(`The run of schedule ${schedule} could not be journaled (${(error as Error).message}): monitor may report it missed.`);
      }
      if (pingUrl) await ping(ctx, pingUrl, result === 'success' ? 'success' : 'fail', schedule, `${command} exited with ${exitCode}`);
    },
  };
}

function pingOf(ctx: Context, env: SelectedEnvironment, schedule: string): string | undefined {
  const configured = env.config.alerts?.schedules.pings[schedule];
  if (!configured) return undefined;
  try {
    const url = requireResolved(configured, `alerts.schedules.pings.${schedule}`, env.envFile).replace(/\/+$/, '');
    registerSecret(url);
    return url;
  } catch (error) {
    ctx.log.warn(`${(error as Error).message} No heartbeat ping is sent.`);
    return undefined;
  }
}

/** healthchecks-style: <url>/start, <url> on success, <url>/fail; a dead endpoint is a warning, never the run's failure. */
async function ping(ctx: Context, base: string, event: 'start' | 'success' | 'fail', schedule: string, text: string): Promise<void> {
  const url = event === 'success' ? base : `${base}/${event}`;
  const delivery = await postThrough(ctx.effects, `the ${event} ping`, `alerts.schedules.pings.${schedule}`, url, text, { signal: AbortSignal.timeout(15_000), backoffMs: [1000] });
  if (delivery && !delivery.delivered) ctx.log.warn(`heartbeat ping (${event}) of ${schedule} not delivered: ${delivery.error ?? 'unknown error'}`);
}

/** The latest journaled run of each schedule of this state folder, by schedule name. */
export async function lastRuns(stateDir: string): Promise<Map<string, HistoryEntry>> {
  const runs = new Map<string, HistoryEntry>();
  for (const entry of await readEntries(stateDir, { types: [SCHEDULED_RUN] })) {
    const name = entry.details?.schedule;
    if (typeof name === 'string' && !runs.has(name)) runs.set(name, entry);
  }
  return runs;
}

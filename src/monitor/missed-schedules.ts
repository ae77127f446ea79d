import path from 'node:path';
import { formatDuration, parseDuration } from '../config/duration.js';
import type { SelectedEnvironment } from '../config/select.js';
import type { PlannedProbe } from '../health/check.js';
import type { Attempt } from '../health/http.js';
import type { HistoryEntry } from '../history/journal.js';
import type { Runner } from '../process/runner.js';
import { nextFire } from '../schedule/cron-next.js';
import { lastRuns } from '../schedule/heartbeat.js';
import { currentPlatform, schedulerFor } from '../schedule/platform.js';
import type { ListedSchedule } from '../schedule/types.js';

export interface ScheduleWatchDeps {
  runner: Runner;
  now: () => number;
  /** When monitor first saw each entry (kept in its state): no run is expected before that. */
  seen: Record<string, string>;
}

/** The entries of this environment: `-e <env>` pinned, output to this state folder's logs/ (as schedule writes them; environments may share a state folder). */
export async function schedulesOf(env: SelectedEnvironment, runner: Runner): Promise<ListedSchedule[]> {
  if (env.config.alerts?.schedules.missed === false || currentPlatform() !== 'linux') return [];
  const logs = path.join(env.stateDir, 'logs');
  let listed: ListedSchedule[];
  try {
    listed = await (await schedulerFor('linux', runner)).list();
  } catch {
    // No crontab program (a container without cron): nothing scheduled here to watch.
    return [];
  }
  return listed.filter((entry) => !entry.orphan && entry.command.includes(` -e ${env.name} `) && entry.command.includes(`${logs}${path.sep}${entry.name}.log`));
}

/** One probe per scheduled entry, named schedule:<name>: down when a run is overdue by more than grace, or the last run failed. */
export function scheduleProbes(env: SelectedEnvironment, entries: readonly ListedSchedule[], deps: ScheduleWatchDeps): PlannedProbe[] {
  const graceMs = parseDuration(env.config.alerts?.schedules.grace ?? '10m')!;
  return entries.map((entry) => ({
    name: `schedule:${entry.name}`,
    kind: 'schedule',
    retries: 1,
    attempt: async () => {
      const now = deps.now();
      deps.seen[entry.name] ??= new Date(now).toISOString();
      const last = (await lastRuns(env.stateDir)).get(entry.name);
      return judgeSchedule(entry, last, Date.parse(deps.seen[entry.name]!), now, graceMs);
    },
  }));
}

export function judgeSchedule(entry: Pick<ListedSchedule, 'name' | 'schedule'>, last: HistoryEntry | undefined, seenMs: number, now: number, graceMs: number): Attempt {
  const target = entry.schedule;
  const lastMs = last ? Date.parse(last.startedAt) : undefined;
  // A run is owed from the later of: the last run, and the moment monitor first knew of the entry.
  const due = nextFire(entry.schedule, Math.max(lastMs ?? 0, seenMs));
  const lastSaid = last ? `last run ${last.startedAt.slice(0, 16).replace('T', ' ')} UTC (${last.result})` : 'no run recorded';
  const details = { schedule: entry.schedule, ...(last ? { lastRun: last.startedAt, lastResult: last.result } : {}), ...(due !== undefined ? { due: new Date(due).toISOString() } : {}) };
  if (due !== undefined && due + graceMs <= now) {
    return { kind: 'schedule', target, state: 'unhealthy', reason: `missed its run due ${new Date(due).toISOString().slice(0, 16).replace('T', ' ')} UTC by more than ${formatDuration(graceMs)}; ${lastSaid}`, details };
  }
  if (last && last.result === 'failed') {
    return { kind: 'schedule', target, state: 'unhealthy', reason: `the last run failed (exit ${String(last.details?.exitCode ?? '?')}, ${last.startedAt.slice(0, 16).replace('T', ' ')} UTC)`, details };
  }
  return { kind: 'schedule', target, state: 'healthy', reason: lastSaid, details };
}

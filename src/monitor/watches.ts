import type { SelectedEnvironment } from '../config/select.js';
import { planProbes, probeNames, type PlannedProbe, type ProbeDeps } from '../health/check.js';
import { loadLinearRegex } from '../process/linear-regex.js';
import { logRuleProbes, type RuleDeps } from './log-rules.js';
import { scheduleProbes, schedulesOf, type ScheduleWatchDeps } from './missed-schedules.js';

/** Group words of --only for the watches, beside health-check's endpoints, databases and host. */
const GROUPS: Record<string, PlannedProbe['kind']> = { rules: 'log-rule', schedules: 'schedule' };

export interface MonitorPlan {
  probes: PlannedProbe[];
  /** Every name monitor keeps memory for, run this round or not. */
  configured: Set<string>;
}

/**
 * health-check's probes, then what only monitor watches: alerts.rules on the logs and the heartbeats of
 * this environment's scheduled entries, as probes, so they alert on change of state as probes do.
 * --only takes watches by name or group (rules, schedules) and passes the other words to health-check's selection.
 */
export async function planMonitor(env: SelectedEnvironment, deps: ProbeDeps & RuleDeps & ScheduleWatchDeps, only: readonly string[] | undefined): Promise<MonitorPlan> {
  const schedules = await schedulesOf(env, deps.runner);
  if ((env.config.alerts?.rules ?? []).some((rule) => rule.grep !== undefined)) await loadLinearRegex();
  const watches = [...logRuleProbes(env, deps), ...scheduleProbes(env, schedules, deps)];
  const configured = new Set([...probeNames(env), ...watches.map((w) => w.name)]);
  if (!only || only.length === 0) return { probes: [...planProbes(env, deps), ...watches], configured };
  const isWatchWord = (word: string) => word in GROUPS || watches.some((w) => w.name === word);
  const chosen = watches.filter((w) => only.some((word) => word === w.name || GROUPS[word] === w.kind));
  const healthWords = only.filter((word) => !isWatchWord(word));
  return { probes: [...(healthWords.length > 0 ? planProbes(env, deps, healthWords) : []), ...chosen], configured };
}

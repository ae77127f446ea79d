import type { DatabaseKind } from '../databases/kinds.js';

/** A probe's verdict. `unknown`: it could not be checked (a client tool is missing), which is not the same as down. */
export type HealthState = 'healthy' | 'degraded' | 'unknown' | 'unhealthy';

export type ProbeKind = 'http' | 'metrics' | 'tcp' | 'dns' | DatabaseKind | 'disk' | 'memory' | 'load' | 'log-rule' | 'schedule' | 'backup';

export interface ProbeResult {
  name: string;
  kind: ProbeKind;
  /** What was probed, secrets masked: a URL, a database host, a path. */
  target: string;
  state: HealthState;
  /** The measured figure, in `unit`: response time, latency, percent used, load per core. */
  value?: number;
  unit?: 'ms' | '%' | 'per core' | 'records';
  /** Why the state is what it is, in a few words ("HTTP 503, expected 200"). */
  reason: string;
  /** Extra facts: HTTP status, certificate days left, health+json checks, server version. */
  details?: Record<string, unknown>;
  attempts: number;
  durationMs: number;
}

/** One check's say on a probe: several are combined with worst(). */
export interface Verdict {
  state: HealthState;
  reason?: string;
}

export interface HealthReport {
  environment: string;
  state: HealthState;
  checkedAt: string;
  durationMs: number;
  probes: ProbeResult[];
}

const RANK: Record<HealthState, number> = { healthy: 0, degraded: 1, unknown: 2, unhealthy: 3 };

export function worst(states: Iterable<HealthState>): HealthState {
  let result: HealthState = 'healthy';
  for (const state of states) if (RANK[state] > RANK[result]) result = state;
  return result;
}

/** The CLI contract: 0 healthy, 3 degraded, 1 unhealthy, 127 when a probe could not run for lack of its client tool. */
export function exitCodeFor(state: HealthState): number {
  return { healthy: 0, degraded: 3, unknown: 127, unhealthy: 1 }[state];
}

/** A verdict from thresholds: above crit unhealthy, above warn degraded. */
export function byThreshold(value: number, warn: number | undefined, crit: number | undefined): HealthState {
  if (crit !== undefined && value > crit) return 'unhealthy';
  if (warn !== undefined && value > warn) return 'degraded';
  return 'healthy';
}

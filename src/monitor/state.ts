import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HealthReport, HealthState } from '../health/types.js';
import type { Effects } from '../process/effects.js';

/** What the monitor remembers between rounds and across restarts, per probe. */
export interface ProbeMemory {
  state: HealthState;
  /** When the probe entered its current state. */
  since: string;
  /** When it stopped being healthy (kept through degraded -> unhealthy), for "recovered after 12m". */
  problemSince?: string;
  reason: string;
  /** The last alert sent about this probe (for reminders). */
  lastAlertAt?: string;
}

export interface MonitorState {
  version: 1;
  environment: string;
  updatedAt: string;
  probes: Record<string, ProbeMemory>;
  /** Alert texts the webhook did not take: sent again, first, with the next round. */
  undelivered?: string[];
  /** The same for the other channels, by their key (alerts.command, alerts.discord, ...). */
  pending?: Record<string, string[]>;
  /** When monitor first saw each scheduled entry: a run is expected only after that. */
  schedulesSeen?: Record<string, string>;
}

const WEBHOOK = 'alerts.webhook';

/** Undelivered texts of every channel, by key (the webhook's kept where earlier versions kept them). */
export function pendingOf(state: MonitorState): Record<string, string[]> {
  return { ...state.pending, ...(state.undelivered?.length ? { [WEBHOOK]: state.undelivered } : {}) };
}

export function setPending(state: MonitorState, pending: Record<string, string[]>): void {
  const { [WEBHOOK]: webhook, ...others } = pending;
  if (webhook?.length) state.undelivered = webhook;
  else delete state.undelivered;
  if (Object.keys(others).length > 0) state.pending = others;
  else delete state.pending;
}

export type AlertKind = 'down' | 'degraded' | 'recovered' | 'still-down';

export interface AlertEvent {
  kind: AlertKind;
  probe: string;
  from: HealthState;
  to: HealthState;
  reason: string;
  /** How long the problem has lasted (recovered, still-down, down after degraded). */
  lastedMs?: number;
}

export function statePath(stateDir: string, environment: string): string {
  return path.join(stateDir, `monitor-${environment}.json`);
}

/** The saved state, or undefined when there is none yet. A damaged file is reported, not fatal. */
export async function loadState(file: string, environment: string): Promise<{ state?: MonitorState; problem?: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { problem: `cannot read ${file}: ${(error as Error).message}` };
  }
  try {
    const parsed = JSON.parse(text) as MonitorState | null;
    if (parsed === null || typeof parsed !== 'object' || parsed.version !== 1 || parsed.environment !== environment || typeof parsed.probes !== 'object' || parsed.probes === null) {
      return { problem: `${file} is not a monitor state of ${environment}; starting afresh` };
    }
    return { state: parsed };
  } catch {
    return { problem: `${file} is not valid JSON; starting afresh` };
  }
}

/** Written atomically (temp file, then rename): a monitor killed mid-write leaves the previous state whole. */
export async function saveState(effects: Effects, file: string, state: MonitorState): Promise<void> {
  await effects.apply({ kind: 'mkdir', dir: path.dirname(file) });
  await effects.apply({ kind: 'write', file, data: `${JSON.stringify(state, null, 2)}\n`, atomic: true });
}

/**
 * Compares a round with what was known: an alert only when a probe changes state, plus a reminder
 * while one stays down longer than `reminderMs`. A probe that could not be checked (unknown) keeps
 * its last known state: a missing client tool is not an outage, nor a recovery. What is known of a
 * probe this round did not run (`--only`) is kept while it is still `configured`; others are dropped.
 */
export function evaluate(
  previous: MonitorState | undefined,
  report: HealthReport,
  nowMs: number,
  reminderMs: number | undefined,
  configured: ReadonlySet<string> = new Set(),
): { next: MonitorState; events: AlertEvent[] } {
  const now = new Date(nowMs).toISOString();
  const ran = new Set(report.probes.map((p) => p.name));
  const probes: Record<string, ProbeMemory> = Object.fromEntries(Object.entries(previous?.probes ?? {}).filter(([name]) => !ran.has(name) && configured.has(name)));
  const events: AlertEvent[] = [];
  for (const probe of report.probes) {
    const before = previous?.probes[probe.name];
    if (probe.state === 'unknown') {
      if (before) probes[probe.name] = before;
      continue;
    }
    // Never seen: assume it was healthy, so a problem present at the first round is alerted once.
    const known = before ?? { state: 'healthy' as const, since: now, reason: '' };
    if (probe.state === known.state) {
      const memory: ProbeMemory = { ...known, reason: probe.reason };
      const lastSaid = Date.parse(known.lastAlertAt ?? known.since);
      if (probe.state === 'unhealthy' && reminderMs !== undefined && nowMs - lastSaid >= reminderMs) {
        events.push({ kind: 'still-down', probe: probe.name, from: known.state, to: probe.state, reason: probe.reason, lastedMs: nowMs - Date.parse(known.problemSince ?? known.since) });
        memory.lastAlertAt = now;
      }
      probes[probe.name] = memory;
      continue;
    }
    const problemSince = known.state === 'healthy' ? now : (known.problemSince ?? known.since);
    const lastedMs = known.state === 'healthy' ? undefined : nowMs - Date.parse(problemSince);
    const kind: AlertKind = probe.state === 'healthy' ? 'recovered' : probe.state === 'unhealthy' ? 'down' : 'degraded';
    events.push({ kind, probe: probe.name, from: known.state, to: probe.state, reason: probe.reason, ...(lastedMs !== undefined ? { lastedMs } : {}) });
    probes[probe.name] = {
      state: probe.state,
      since: now,
      ...(probe.state === 'healthy' ? {} : { problemSince }),
      reason: probe.reason,
      lastAlertAt: now,
    };
  }
  const next: MonitorState = { version: 1, environment: report.environment, updatedAt: now, probes, ...(previous?.schedulesSeen ? { schedulesSeen: previous.schedulesSeen } : {}) };
  if (previous) setPending(next, pendingOf(previous));
  return { next, events };
}

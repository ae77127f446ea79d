import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Effect } from '../../process/effects.js';
import type { Instance } from '../types.js';
import { releaseOf, type Pm2Process } from './parse.js';

/**
 * pm2's restart_time counts over an instance's whole life, and `pm2 reload` and `pm2 restart` add 1 to it
 * for the same pm_id (God/Reload.js, restartProcessId); `pm2 reset` cannot be used at the switch (the gate
 * and a rollback under load went wrong with it). So the counts right after the switch are kept here, and
 * status shows the current count minus them.
 */
export const BASELINE_FILE = 'pm2-restarts.json';

export interface RestartBaseline {
  /** The release the counts were taken for: an instance on another release gets its lifetime count. */
  release: string;
  /** pm_ids belong to one daemon: a new daemon (pm2 kill, a reboot) numbers and counts afresh. */
  daemon: number;
  /** restart_time of each pm_id right after the switch (or after opsctl's own restart, which is not a crash). */
  restarts: Record<string, number>;
}

/** Where restarts in status count from: the release's switch, or the app's life when nothing was recorded. */
export type RestartsSince = 'release' | 'lifetime';

export function baselineFile(releasesDir: string): string {
  return path.join(releasesDir, BASELINE_FILE);
}

export function takeBaseline(release: string, daemon: number, processes: readonly Pm2Process[]): RestartBaseline {
  return { release, daemon, restarts: Object.fromEntries(processes.map((p) => [String(p.pm_id ?? -1), p.pm2_env?.restart_time ?? 0])) };
}

/**
 * After a restart opsctl itself ran (reload, start): the restarts it made are moved into the baseline, so
 * crashes before it still count and the deliberate restart does not. pm_ids it did not know start at 0.
 */
export function carryBaseline(baseline: RestartBaseline, before: readonly Pm2Process[], after: readonly Pm2Process[]): RestartBaseline {
  const count = (list: readonly Pm2Process[], id: string) => list.find((p) => String(p.pm_id ?? -1) === id)?.pm2_env?.restart_time;
  const restarts = Object.fromEntries(after.map((p) => {
    const id = String(p.pm_id ?? -1);
    const made = Math.max(0, (p.pm2_env?.restart_time ?? 0) - (count(before, id) ?? p.pm2_env?.restart_time ?? 0));
    return [id, (baseline.restarts[id] ?? 0) + made];
  }));
  return { ...baseline, restarts };
}

export function baselineEffect(releasesDir: string, baseline: RestartBaseline): Effect {
  return { kind: 'write', file: baselineFile(releasesDir), data: `${JSON.stringify(baseline)}\n`, atomic: true };
}

/** The recorded counts, or undefined when there are none or the file is not one opsctl wrote. */
export function readBaseline(releasesDir: string): RestartBaseline | undefined {
  try {
    const parsed = JSON.parse(readFileSync(baselineFile(releasesDir), 'utf8')) as Partial<RestartBaseline>;
    const valid = typeof parsed.release === 'string' && typeof parsed.daemon === 'number' && typeof parsed.restarts === 'object' && parsed.restarts !== null;
    return valid ? (parsed as RestartBaseline) : undefined;
  } catch {
    return undefined;
  }
}

/** Restarts of one instance since its release was switched to, or its lifetime count when that cannot be known. */
export function restartsSince(p: Pm2Process, baseline: RestartBaseline | undefined, daemon: number | undefined): { restarts: number; since: RestartsSince } {
  const total = p.pm2_env?.restart_time ?? 0;
  if (!baseline || baseline.daemon !== daemon || releaseOf(p) !== baseline.release) return { restarts: total, since: 'lifetime' };
  // A pm_id made after the switch (pm2 scale) counts from 0; a count below the baseline was reset by hand.
  const from = baseline.restarts[String(p.pm_id ?? -1)] ?? 0;
  return total >= from ? { restarts: total - from, since: 'release' } : { restarts: total, since: 'release' };
}

/** status's instances (named `<app>#<pm_id>` by toInstances) with restarts counted since the release. */
export function withReleaseRestarts(instances: readonly Instance[], processes: readonly Pm2Process[], baseline: RestartBaseline | undefined, daemon: number | undefined): Instance[] {
  const byName = new Map(processes.map((p) => [`${p.name}#${p.pm_id ?? '?'}`, p]));
  return instances.map((i) => {
    const p = byName.get(i.name);
    if (!p) return i;
    const { restarts, since } = restartsSince(p, baseline, daemon);
    return { ...i, restarts, restartsSince: since };
  });
}

import os from 'node:os';
import type { Pm2Target } from '../../config/schema.js';
import { releaseOf, type Pm2Process } from './parse.js';
import { CRASH_RESTARTS, type TargetSample } from '../../deploy/types.js';
import { isInside } from './paths.js';
import { fingerprint } from './wait.js';

export interface SampleContext {
  name: string;
  desired: number;
  sha: string;
  /** Folders an instance's pm_exec_path or pm_cwd may lie in to count as this release's: the link and the release root. */
  homes: readonly string[];
  /** The `current` link leads to the release's folder. */
  linked: boolean;
  /** restart_time of each pm_id right after the switch: restarts beyond it are crashes. */
  baseline: ReadonlyMap<number, number>;
}

/** `instances: max` is one per CPU, as pm2 counts them. */
export function desiredInstances(instances: Pm2Target['instances']): number {
  return instances === 'max' ? os.cpus().length : instances;
}

export function appProcesses(processes: readonly Pm2Process[], name: string): Pm2Process[] {
  return processes.filter((p) => p.name === name);
}

/**
 * pm_exec_path and pm_cwd name the link, not the release behind it, so the release an instance runs is
 * read from the OPSCTL_RELEASE variable it was started or reloaded with.
 */
export function runsRelease(p: Pm2Process, sha: string, homes: readonly string[]): boolean {
  const env = p.pm2_env ?? {};
  const release = releaseOf(p);
  const where = [env.pm_exec_path, env.pm_cwd].filter((x): x is string => Boolean(x));
  return release === sha && where.some((file) => homes.some((home) => isInside(file, home)));
}

export function samplePm2(processes: readonly Pm2Process[], context: SampleContext): TargetSample {
  const mine = appProcesses(processes, context.name).sort((a, b) => (a.pm_id ?? 0) - (b.pm_id ?? 0));
  const online = mine.filter((p) => p.pm2_env?.status === 'online' && (p.pid ?? 0) > 0);
  const problems: string[] = [];
  const fatal: string[] = [];
  if (mine.length === 0) problems.push(`no pm2 process named ${context.name}`);
  else if (online.length !== context.desired) problems.push(`${online.length}/${context.desired} online`);
  for (const p of mine) {
    const status = p.pm2_env?.status ?? 'unknown';
    // errored: pm2 gave up restarting it; a crash loop shows as restarts between "online" samples.
    if (status !== 'online') problems.push(`instance ${p.pm_id} ${status}`);
    if (status === 'errored') fatal.push(`instance ${p.pm_id} errored (pm2 stopped restarting it)`);
    const restarts = (p.pm2_env?.restart_time ?? 0) - (context.baseline.get(p.pm_id ?? -1) ?? p.pm2_env?.restart_time ?? 0);
    const said = `instance ${p.pm_id} restarted ${restarts} time${restarts === 1 ? '' : 's'} since the switch`;
    if (restarts > 0) problems.push(said);
    if (restarts >= CRASH_RESTARTS) fatal.push(`${said} (a crash loop)`);
  }
  const stale = mine.filter((p) => !runsRelease(p, context.sha, context.homes));
  if (stale.length > 0) problems.push(`${stale.length} instance${stale.length === 1 ? ' does' : 's do'} not run release ${context.sha.slice(0, 7)} yet`);
  if (!context.linked) problems.push(`the current link does not lead to release ${context.sha.slice(0, 7)}`);
  return { ready: problems.length === 0 && mine.length === context.desired, fingerprint: fingerprint(mine), summary: summarize(mine, context.desired), problems, ...(fatal.length > 0 ? { fatal } : {}) };
}

function summarize(mine: readonly Pm2Process[], desired: number): string {
  const byStatus = new Map<string, number>();
  for (const p of mine) byStatus.set(p.pm2_env?.status ?? 'unknown', (byStatus.get(p.pm2_env?.status ?? 'unknown') ?? 0) + 1);
  const online = byStatus.get('online') ?? 0;
  byStatus.delete('online');
  return [`${online}/${desired} online`, ...[...byStatus].map(([status, count]) => `${count} ${status}`)].join(', ');
}

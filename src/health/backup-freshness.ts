import { formatDuration, parseDuration } from '../config/duration.js';
import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import { latestRemote, listRemote } from '../backup/remote/listing.js';
import { remotesOf } from '../backup/remote/spec.js';
import { latestSet, listSets } from '../backup/sets.js';
import type { Attempt } from './http.js';
import type { Runner } from '../process/runner.js';
import type { ProbeKind } from './types.js';

/** check.ts's PlannedProbe and ProbeDeps, by shape: check.ts imports this file. */
interface PlannedProbe {
  name: string;
  kind: ProbeKind;
  retries: number;
  attempt(signal: AbortSignal): Promise<Attempt>;
}

/**
 * health.backups.maxAge: one probe for the local folder and one per remote. No set, or a newest set
 * older than maxAge, is degraded: a cron job that silently stopped alerts within a day. A remote that
 * cannot be listed is degraded too (its copies cannot be counted on), never unhealthy: the app still runs.
 */
export function freshnessProbes(env: SelectedEnvironment, deps: { runner: Runner; now: () => number }): PlannedProbe[] {
  const maxAge = env.config.health.backups?.maxAge;
  if (!maxAge || !env.config.backup) return [];
  const dir = resolveFrom(env, env.config.backup.dir);
  const local: PlannedProbe = {
    name: 'backup:local',
    kind: 'backup',
    retries: 1,
    attempt: async () => verdict(dir, latestSet((await listSets(dir, env.name)).sets)?.manifest.createdAt, maxAge, deps.now()),
  };
  const remotes = (env.config.backup.remotes ?? []).map((r): PlannedProbe => ({
    name: `backup:${r.name}`,
    kind: 'backup',
    retries: 1,
    attempt: async (signal) => {
      const remote = remotesOf(env, r.name)[0]!;
      const listing = await listRemote({ runner: deps.runner, signal }, remote).catch((error: Error) => error);
      if (listing instanceof Error) return { kind: 'backup', target: remote.name, state: 'degraded', reason: `cannot list: ${listing.message.split('\n')[0]}` };
      return verdict(remote.name, latestRemote(listing)?.manifest.createdAt, maxAge, deps.now());
    },
  }));
  return [local, ...remotes];
}

/** maxAge as written in the config ("26h"): that is what the reader looks for. */
function verdict(target: string, createdAt: string | undefined, maxAge: string, now: number): Attempt {
  if (!createdAt) return { kind: 'backup', target, state: 'degraded', reason: 'no backup set yet' };
  const age = now - Date.parse(createdAt);
  const details = { latest: createdAt, maxAge };
  if (age > parseDuration(maxAge)!) return { kind: 'backup', target, state: 'degraded', reason: `newest set is ${formatDuration(age)} old, over ${maxAge}`, details };
  return { kind: 'backup', target, state: 'healthy', reason: `newest set ${formatDuration(age)} old`, details };
}

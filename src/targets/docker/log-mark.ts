import type { LogMark } from '../../deploy/types.js';
import { historyOf, pickLastLines, sinceSourceDeps, type SinceDeps } from '../../logs/last-lines.js';
import type { SourceDeps } from '../../logs/source.js';
import type { TargetLogs } from '../types.js';

/** Docker stamps every line: one second of slack for a clock read a moment after the container wrote. */
const SLACK_MS = 1000;

/**
 * compose and swarm: the mark is the time; reading asks `docker compose logs` / `docker service logs`
 * for what came since. Docker merges stdout and stderr, so the error-level lines (a JS error and its
 * stack trace count) are shown, or the last lines when none says its level.
 */
export function markDockerLogs(logs: (deps: SourceDeps) => TargetLogs, deps: SinceDeps): LogMark {
  const since = deps.now() - SLACK_MS;
  return async (limit) => {
    const entries = await historyOf(await logs(sinceSourceDeps(deps, since)).open());
    const picked = pickLastLines(entries, limit);
    return picked.length > 0 ? picked : entries.slice(-limit).map((e) => `${e.source}: ${e.text}`);
  };
}

import type { LogEntry } from './entry.js';
import { lastOf, mergeArrivals, mergeByTime } from './merge.js';
import type { LogSource } from './source.js';

export interface StreamPlan {
  sources: readonly LogSource[];
  /** Only the last N matches of the history (across every source). */
  tail?: number;
  follow: boolean;
}

export interface StreamOutcome {
  matched: number;
  /** Follow mode ended by the signal (Ctrl-C, SIGTERM, --timeout): the normal way it ends. */
  stopped: boolean;
}

/**
 * History of every source merged in time order (only the last N with a tail), then, following, new
 * lines of every source as they come. `emit` is awaited, so a slow reader slows the sources down.
 */
export async function streamLogs(plan: StreamPlan, emit: (entries: LogEntry[]) => Promise<void>, signal: AbortSignal): Promise<StreamOutcome> {
  let matched = 0;
  const send = async (entries: LogEntry[]) => {
    if (signal.aborted) throw signal.reason;
    if (entries.length === 0) return;
    for (const entry of entries) if (!entry.context) matched += 1;
    await emit(entries);
  };
  try {
    const histories = plan.sources.map((source) => source.history({ tail: plan.tail, follow: plan.follow }));
    if (plan.tail !== undefined && plan.sources.length > 1) {
      const tails = await Promise.all(histories.map((history) => lastOf(history, plan.tail!)));
      await send(await lastOf(mergeByTime(tails.map((entries) => once(entries))), plan.tail));
    } else {
      for await (const batch of mergeByTime(histories)) await send(batch);
    }
    if (plan.follow) {
      for await (const batch of mergeArrivals(plan.sources.map((source) => source.follow()))) await send(batch);
    }
  } catch (error) {
    if (plan.follow && signal.aborted) return { matched, stopped: true };
    throw error;
  }
  return { matched, stopped: plan.follow && signal.aborted };
}

async function* once(entries: LogEntry[]): AsyncGenerator<LogEntry[]> {
  yield entries;
}

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { OperationResult } from '../history/journal.js';
import { nextFire } from './cron-next.js';
import { lastRuns } from './heartbeat.js';
import type { ListedSchedule } from './types.js';

/** What schedule list adds to an entry: its last journaled run and the next time cron starts it. */
export interface ScheduleRuns {
  lastRun?: string;
  lastResult?: OperationResult;
  exitCode?: number;
  nextRun?: string;
}

/** The state folder an entry writes to: its log is <stateDir>/logs/<name>.log (shell-quoted or not). */
export function stateDirOf(entry: Pick<ListedSchedule, 'name' | 'command'>): string | undefined {
  const log = `/logs/${entry.name}.log`;
  const match = / >> '?(.*?)'? 2>&1\s*$/.exec(entry.command);
  const file = match?.[1]?.replace(/'\\''/g, "'");
  return file?.endsWith(log) ? path.dirname(path.dirname(file)) : undefined;
}

/**
 * The runs of each entry whose state folder is on this machine, by name (others are left out: their
 * journal is elsewhere). Windows entries carry Task Scheduler's own next run time instead.
 */
export async function runsOf(entries: readonly ListedSchedule[], now: number): Promise<Record<string, ScheduleRuns>> {
  const byDir = new Map<string, Awaited<ReturnType<typeof lastRuns>>>();
  const runs: Record<string, ScheduleRuns> = {};
  for (const entry of entries) {
    const stateDir = entry.orphan ? undefined : stateDirOf(entry);
    if (!stateDir || !existsSync(stateDir)) continue;
    if (!byDir.has(stateDir)) byDir.set(stateDir, await lastRuns(stateDir).catch(() => new Map()));
    const last = byDir.get(stateDir)!.get(entry.name);
    const next = nextFire(entry.schedule, now);
    const exitCode = last?.details?.exitCode;
    runs[entry.name] = {
      ...(last ? { lastRun: last.startedAt, lastResult: last.result } : {}),
      ...(typeof exitCode === 'number' ? { exitCode } : {}),
      ...(next !== undefined ? { nextRun: new Date(next).toISOString() } : {}),
    };
  }
  return runs;
}

export const runHeads = ['last run', 'result', 'next run'];

/** The three cells of schedule list's table; "-" where nothing is known. */
export function runCells(runs: ScheduleRuns | undefined): string[] {
  const when = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '-');
  const result = runs?.lastResult ? `${runs.lastResult}${runs.exitCode ? ` (exit ${runs.exitCode})` : ''}` : 'never ran';
  return [when(runs?.lastRun), runs ? result : '-', when(runs?.nextRun)];
}

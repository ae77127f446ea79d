import { openLogFile, readForward } from './file-read.js';
import { LEVELS } from './levels.js';
import type { LogEntry } from './entry.js';
import { createMatcher } from './matcher.js';
import type { LogSource, SourceDeps } from './source.js';
import type { Runner } from '../process/runner.js';

/** How many lines a failed gate shows: enough for an error and its stack trace, short enough to read. */
export const LAST_LINES = 20;
/** A crash loop writes the same trace over and over: the last 256 KiB after the mark hold plenty of them. */
const MAX_READ_BYTES = 256 * 1024;

/** A line of the release's own output, and whether it came on stderr (pm2's err file). */
export interface OwnLine extends LogEntry {
  stderr?: boolean;
}

/** The lines worth showing after a crash: every stderr line and every line at error level or above (with its stack trace), the last `limit`. */
export function pickLastLines(entries: readonly OwnLine[], limit: number): string[] {
  const picked = entries.filter((e) => e.stderr || (e.level ?? 0) >= LEVELS.error);
  return picked.slice(-limit).map((e) => `${e.source}: ${e.text}`);
}

/** The lines a file gained after byte `from` (its last 256 KiB at most), levelled line by line; none when it does not exist. */
export async function linesAfter(file: string, from: number, label: string, stderr: boolean): Promise<OwnLine[]> {
  const handle = await openLogFile(file).catch(() => undefined);
  if (!handle) return [];
  try {
    const size = (await handle.stat()).size;
    // A file smaller than at the mark was truncated or rotated: all of it is new.
    const start = Math.max(size < from ? 0 : from, size - MAX_READ_BYTES);
    const matcher = createMatcher({ correlationFields: [] }, label);
    const entries: OwnLine[] = [];
    for await (const read of readForward(handle, start, size)) {
      for (const line of read.lines) {
        const entry = matcher.match(line);
        if (entry) entries.push({ ...entry, stderr });
      }
    }
    return entries;
  } finally {
    await handle.close();
  }
}

export interface SinceDeps {
  runner: Runner;
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  now: () => number;
}

/** SourceDeps that read every line written since `since` (by the tool's own timestamps), levelled, none filtered out by level. */
export function sinceSourceDeps(deps: SinceDeps, since: number): SourceDeps {
  const criteria = { since, correlationFields: [] as string[] };
  const matchers = new Map<string, ReturnType<typeof createMatcher>>();
  return {
    criteria,
    matcherFor: (label) => matchers.get(label) ?? matchers.set(label, createMatcher(criteria, label)).get(label)!,
    runner: deps.runner,
    env: deps.env,
    signal: deps.signal,
    now: deps.now,
    warn: () => undefined,
    unread: () => undefined,
    debug: () => undefined,
  };
}

/** Every entry of the sources' history, source after source. */
export async function historyOf(sources: readonly LogSource[]): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for (const source of sources) for await (const batch of source.history({ follow: false })) entries.push(...batch);
  return entries;
}

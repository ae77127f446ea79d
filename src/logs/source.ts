import type { Runner } from '../process/runner.js';
import type { Criteria, LogEntry } from './entry.js';
import type { Matcher } from './matcher.js';

/** One place logs come from: a file, a pm2 instance's out or err file, a compose service, a swarm service. */
export interface LogSource {
  /** What it is, for messages: a path, "docker compose logs app". */
  name: string;
  /** The matching lines written so far, in time order, in batches. */
  history(query: HistoryQuery): AsyncIterable<LogEntry[]>;
  /** The matching lines written after history was read, as they come; ends when the signal aborts. */
  follow(): AsyncIterable<LogEntry[]>;
}

export interface HistoryQuery {
  /** Only the last N matches. */
  tail?: number;
  /** follow() comes next: leave a half-written last line to it. */
  follow: boolean;
}

export interface SourceDeps {
  criteria: Criteria;
  /** The matcher of a label: one per file or container, as it groups a record's lines (a stack trace under its error). */
  matcherFor(label: string): Matcher;
  runner: Runner;
  /** The process environment (PM2_HOME). */
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  warn(message: string): void;
  /** A source that could not be read (a log file that does not exist): logs --count says which. */
  unread(name: string): void;
  debug(message: string): void;
  now(): number;
}

/** Runs lines through the matcher; the records that pass. `final`: no line of an open record comes after these (end of a read, a follow poll). */
export function matchLines(matcher: Matcher, lines: readonly string[], final: boolean): LogEntry[] {
  const entries = matcher.push(lines);
  if (final) entries.push(...matcher.flush());
  return entries;
}

/** Whether a filter other than time could skip lines (then a source cannot ask the tool for only its last N lines). */
export function filtersLines(criteria: Criteria): boolean {
  return criteria.minLevel !== undefined || criteria.grep !== undefined || criteria.exclude !== undefined || criteria.correlationId !== undefined;
}

import { UsageError } from '../errors.js';
import { compileLinear, NotLinearError, type TextTest } from '../process/linear-regex.js';
import { LEVELS, levelRank } from './levels.js';
import type { Criteria } from './matcher.js';
import { parseWhen } from './when.js';

/** The options as commander gives them. */
export interface LogsOptions {
  level?: string;
  grep?: string;
  ignoreCase?: boolean;
  correlationId?: string;
  since?: string;
  until?: string;
  lines?: string;
  follow?: boolean;
  source?: string;
  count?: boolean;
}

export interface ParsedLogsOptions {
  criteria: Omit<Criteria, 'correlationFields'>;
  tail?: number;
  follow: boolean;
  count: boolean;
  sources: string[];
}

/** Following without -n or --since starts with the last 10 matches, as `tail -f` does. */
const FOLLOW_TAIL = 10;

export function parseLogsOptions(options: LogsOptions, now: number): ParsedLogsOptions {
  const follow = Boolean(options.follow);
  const count = Boolean(options.count);
  const since = when('--since', options.since, now);
  const until = when('--until', options.until, now);
  if (since !== undefined && until !== undefined && until < since) throw new UsageError(`--until ${options.until} is before --since ${options.since}.`, 'Swap them.');
  if (follow && until !== undefined) throw new UsageError('--follow and --until cannot be used together.', 'Follow shows new lines as they come; use --until without -f to read a past window.');
  if (follow && count) throw new UsageError('--count and --follow cannot be used together.', 'Count a past window: --count --since 1h.');
  const tail = options.lines === undefined ? (follow && since === undefined ? FOLLOW_TAIL : undefined) : lineCount(options.lines);
  return {
    criteria: {
      minLevel: options.level === undefined ? undefined : level(options.level),
      grep: options.grep === undefined ? undefined : pattern(options.grep, Boolean(options.ignoreCase)),
      correlationId: options.correlationId === '' ? undefined : options.correlationId,
      since,
      until,
    },
    tail,
    follow,
    count,
    sources: (options.source ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  };
}

function level(value: string): number {
  const rank = levelRank(value);
  if (rank === undefined) throw new UsageError(`--level ${value} is not a level.`, `Use one of ${Object.keys(LEVELS).join(', ')} (or pino's numbers, 10 to 60).`);
  return rank;
}

function pattern(source: string, ignoreCase: boolean): TextTest {
  try {
    return compileLinear(source, ignoreCase);
  } catch (error) {
    if (error instanceof NotLinearError) throw new UsageError(`--grep ${source} cannot run in linear time: ${error.message}.`, 'Write it without backreferences and lookarounds, e.g. --grep "timeout|refused".');
    throw new UsageError(`--grep ${source} is not a valid regular expression: ${(error as Error).message}.`, 'Escape special characters with \\, e.g. --grep "a\\.b".');
  }
}

function when(flag: string, value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const time = parseWhen(value, now);
  if (time === undefined) throw new UsageError(`${flag} ${value} is neither a duration nor a time.`, `Use a duration back from now (30m, 24h, 7d) or an ISO time (2024-01-15T10:00:00Z).`);
  return time;
}

function lineCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new UsageError(`-n ${value} is not a count.`, 'Give a whole number, e.g. -n 50.');
  return n;
}

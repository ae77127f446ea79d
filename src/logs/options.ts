import { UsageError } from '../errors.js';
import { compileLinear, NotLinearError, type TextTest } from '../process/linear-regex.js';
import { LEVEL_NAMES, LEVELS, rankIn, type LevelMap } from './levels.js';
import type { ContextSize, Criteria } from './entry.js';
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
  exclude?: string;
  after?: string;
  before?: string;
  context?: string;
  countBy?: string;
}

export interface ParsedLogsOptions {
  criteria: Omit<Criteria, 'correlationFields'>;
  /** -A/-B/-C: records shown around each match. */
  context: ContextSize;
  /** --count-by: tally matches by this field; `top` (-n) keeps the N most frequent values. */
  countBy?: { field: string; top?: number };
  tail?: number;
  follow: boolean;
  count: boolean;
  sources: string[];
}

/** Following without -n or --since starts with the last 10 matches, as `tail -f` does. */
const FOLLOW_TAIL = 10;

export function parseLogsOptions(options: LogsOptions, now: number, levels?: LevelMap): ParsedLogsOptions {
  const follow = Boolean(options.follow);
  const count = Boolean(options.count);
  const since = when('--since', options.since, now);
  const until = when('--until', options.until, now);
  if (since !== undefined && until !== undefined && until < since) throw new UsageError(`--until ${options.until} is before --since ${options.since}.`, 'Swap them.');
  if (follow && until !== undefined) throw new UsageError('--follow and --until cannot be used together.', 'Follow shows new lines as they come; use --until without -f to read a past window.');
  if (follow && count) throw new UsageError('--count and --follow cannot be used together.', 'Count a past window: --count --since 1h.');
  const context = contextSize(options);
  const countBy = options.countBy === undefined ? undefined : { field: options.countBy, top: options.lines === undefined ? undefined : lineCount(options.lines, '-n') };
  if (countBy && (follow || count)) throw new UsageError(`--count-by cannot be used with ${follow ? '--follow' : '--count'}.`, 'Tally a past window: --count-by level --since 24h.');
  if (countBy && (context.before > 0 || context.after > 0)) throw new UsageError('--count-by and -A/-B/-C cannot be used together.', 'Leave out the context options: --count-by counts matches only.');
  // --count-by's -n is its top N, not a tail.
  const tail = options.lines === undefined || countBy ? (follow && since === undefined ? FOLLOW_TAIL : undefined) : lineCount(options.lines, '-n');
  return {
    criteria: {
      minLevel: options.level === undefined ? undefined : level(options.level, levels),
      levels,
      grep: options.grep === undefined ? undefined : pattern('--grep', options.grep, Boolean(options.ignoreCase)),
      exclude: options.exclude === undefined ? undefined : pattern('--exclude', options.exclude, Boolean(options.ignoreCase)),
      correlationId: options.correlationId === '' ? undefined : options.correlationId,
      since,
      until,
    },
    context,
    countBy,
    tail,
    follow,
    count,
    sources: (options.source ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  };
}

function level(value: string, custom: LevelMap | undefined): number {
  const rank = rankIn(value, custom);
  if (rank === undefined) throw new UsageError(`--level ${value} is not a level.`, `Use one of ${Object.keys(LEVELS).join(', ')} (also ${LEVEL_NAMES.filter((n) => !(n in LEVELS)).join(', ')}, pino's numbers 10 to 60, or a name under logs.levels).`);
  return rank;
}

function pattern(flag: string, source: string, ignoreCase: boolean): TextTest {
  try {
    return compileLinear(source, ignoreCase);
  } catch (error) {
    if (error instanceof NotLinearError) throw new UsageError(`${flag} ${source} cannot run in linear time: ${error.message}.`, `Write it without backreferences and lookarounds, e.g. ${flag} "timeout|refused".`);
    throw new UsageError(`${flag} ${source} is not a valid regular expression: ${(error as Error).message}.`, `Escape special characters with \\, e.g. ${flag} "a\\.b".`);
  }
}

/** -C sets both sides; -A and -B override it on theirs, as in grep. */
function contextSize(options: LogsOptions): ContextSize {
  const both = options.context === undefined ? 0 : lineCount(options.context, '-C');
  return {
    before: options.before === undefined ? both : lineCount(options.before, '-B'),
    after: options.after === undefined ? both : lineCount(options.after, '-A'),
  };
}

function when(flag: string, value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const time = parseWhen(value, now);
  if (time === undefined) throw new UsageError(`${flag} ${value} is neither a duration nor a time.`, `Use a duration back from now (30m, 24h, 7d) or an ISO time (2024-01-15T10:00:00Z).`);
  return time;
}

function lineCount(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new UsageError(`${flag} ${value} is not a count.`, `Give a whole number, e.g. ${flag} 50.`);
  return n;
}

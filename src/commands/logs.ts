import type { CommandResult, Context } from '../context.js';
import { ConfigError, TimeoutError } from '../errors.js';
import { createTally, renderTally } from '../logs/count-by.js';
import { levelMap, LEVEL_NAMES, type LevelMap } from '../logs/levels.js';
import { formatHumanLine, formatJsonLine, jsonLineBytes } from '../logs/format.js';
import type { LogEntry } from '../logs/entry.js';
import { createMatcher, DEFAULT_CORRELATION_FIELDS, type Matcher } from '../logs/matcher.js';
import { parseLogsOptions, type LogsOptions } from '../logs/options.js';
import { loadLinearRegex } from '../process/linear-regex.js';
import { createOutput } from '../logs/output.js';
import { resolveSources } from '../logs/sources.js';
import { streamLogs } from '../logs/stream.js';
import type { Style } from '../output/style.js';

export interface LogsData {
  environment: string;
  sources: string[];
  matched: number;
  /** Follow mode ended by Ctrl-C, SIGTERM or --timeout. */
  stopped: boolean;
}

/**
 * Streams matching lines to stdout as it finds them (ndjson with --json), so the result carries only a
 * summary and `streamed`. Exit 0 when a line matched, 1 when none did (like grep); following, Ctrl-C is
 * the normal end (exit 0) and --timeout ends a watch window that exits like grep.
 */
export async function run(ctx: Context, raw: LogsOptions): Promise<CommandResult<LogsData>> {
  const env = ctx.environment();
  if (raw.grep !== undefined || raw.exclude !== undefined) await loadLinearRegex();
  const options = parseLogsOptions(raw, ctx.now(), houseLevels(env.name, env.config.logs?.levels));
  // The usual loggers' id fields, then the house's own.
  const correlationFields = [...DEFAULT_CORRELATION_FIELDS, ...(env.config.logs?.correlationFields ?? [])];
  const criteria = { ...options.criteria, correlationFields };
  const matchers = new Map<string, Matcher>();
  // --count-by reads a record's fields; --json alone writes records as they are, unparsed, and --count writes none.
  const matcherOptions = { parse: (!ctx.json && !options.count) || options.countBy !== undefined, context: options.context };
  const matcherFor = (label: string) => matchers.get(label) ?? matchers.set(label, createMatcher(criteria, label, matcherOptions)).get(label)!;
  const unread = new Set<string>();
  const deps = { criteria, matcherFor, runner: ctx.runner, env: ctx.env, signal: ctx.signal, warn: ctx.log.warn, debug: ctx.log.debug, now: ctx.now, unread: (name: string) => unread.add(name) };
  const sources = await resolveSources(env, deps, options.sources);
  if (options.follow) ctx.log.info(`Following ${sources.map((s) => s.name).join(', ')}. Ctrl-C stops.`);

  const output = createOutput((piece) => ctx.out(piece));
  const format = ctx.json ? formatJsonLine : (entry: LogEntry) => formatHumanLine(entry, ctx.outStyle);
  const tally = options.countBy ? createTally(options.countBy.field) : undefined;
  const emit = async (entries: LogEntry[]) => {
    if (tally) return tally.add(entries);
    if (options.count) return;
    for (const entry of entries) {
      // A record the level test passed as bytes is printed as bytes (--json only: the readable format parses).
      if (ctx.json && entry.raw) output.bytes(jsonLineBytes(entry as LogEntry & { raw: Buffer }));
      else output.text(`${format(entry)}\n`);
    }
    // Following, each line shows as soon as it is found.
    await output.flushIf(options.follow);
  };
  const outcome = await streamLogs({ sources, tail: options.tail, follow: options.follow }, emit, ctx.signal).finally(output.flush);

  for (const [label, matcher] of matchers) {
    if (matcher.untimed > 0) ctx.log.warn(`${label}: ${matcher.untimed} line(s) carry no time, so --since/--until left them out.`);
  }
  const read = sources.map((s) => s.name).filter((name) => !unread.has(name));
  // A count of 0 from nothing read is no all-clear (a missing log file, a pm2 app that never logged).
  if (!options.follow && read.length === 0) ctx.log.warn(`No log source of ${env.name} could be read, so nothing was searched.`);
  if (tally) await ctx.out(renderTally(tally.top(options.countBy!.top), ctx.json));
  if (options.count) await ctx.out(ctx.json ? `${JSON.stringify({ count: outcome.matched, sources: { read, unread: [...unread] } })}\n` : `${outcome.matched}\n`);
  const data: LogsData = { environment: env.name, sources: sources.map((s) => s.name), matched: outcome.matched, stopped: outcome.stopped };
  const window = ctx.signal.reason instanceof TimeoutError;
  const exitCode = outcome.stopped && !window ? 0 : outcome.matched > 0 ? 0 : 1;
  return { data, exitCode, streamed: true };
}

/** logs.levels as a map; a name mapped to no known level is a config error. */
function houseLevels(envName: string, config: Readonly<Record<string, string | number>> | undefined): LevelMap | undefined {
  if (!config) return undefined;
  const { map, unknown } = levelMap(config);
  if (unknown.length > 0) throw new ConfigError(`environments.${envName}.logs.levels: ${unknown.join(', ')} map to no known level.`, `Map each to one of ${LEVEL_NAMES.join(', ')}, or to a number on pino's scale (10 to 60).`);
  return map;
}

/** Never called: logs writes its lines as it goes. */
export function render(_data: LogsData, _style: Style): string {
  return '';
}

import type { CommandResult, Context } from '../context.js';
import { TimeoutError } from '../errors.js';
import { formatHumanLine, formatJsonLine } from '../logs/format.js';
import { createMatcher, DEFAULT_CORRELATION_FIELDS, type LogEntry, type Matcher } from '../logs/matcher.js';
import { parseLogsOptions, type LogsOptions } from '../logs/options.js';
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

/** Text is handed to stdout in pieces of about this size: one write per line would be slow on big files. */
const FLUSH_AT = 64 * 1024;

/**
 * Streams matching lines to stdout as it finds them (ndjson with --json), so the result carries only a
 * summary and `streamed`. Exit 0 when a line matched, 1 when none did (like grep); following, Ctrl-C is
 * the normal end (exit 0) and --timeout ends a watch window that exits like grep.
 */
export async function run(ctx: Context, raw: LogsOptions): Promise<CommandResult<LogsData>> {
  const env = ctx.environment();
  const options = parseLogsOptions(raw, ctx.now());
  const criteria = { ...options.criteria, correlationFields: env.config.logs?.correlationFields ?? DEFAULT_CORRELATION_FIELDS };
  const matchers = new Map<string, Matcher>();
  const matcherFor = (label: string) => matchers.get(label) ?? matchers.set(label, createMatcher(criteria, label, { parse: !ctx.json })).get(label)!;
  const unread = new Set<string>();
  const deps = { criteria, matcherFor, runner: ctx.runner, env: ctx.env, signal: ctx.signal, warn: ctx.log.warn, debug: ctx.log.debug, now: ctx.now, unread: (name: string) => unread.add(name) };
  const sources = await resolveSources(env, deps, options.sources);
  if (options.follow) ctx.log.info(`Following ${sources.map((s) => s.name).join(', ')}. Ctrl-C stops.`);

  let pending = '';
  const flush = async () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    await ctx.out(text);
  };
  const format = ctx.json ? formatJsonLine : (entry: LogEntry) => formatHumanLine(entry, ctx.outStyle);
  const emit = async (entries: LogEntry[]) => {
    if (options.count) return;
    for (const entry of entries) pending += `${format(entry)}\n`;
    // Following, each line shows as soon as it is found.
    if (options.follow || pending.length >= FLUSH_AT) await flush();
  };
  const outcome = await streamLogs({ sources, tail: options.tail, follow: options.follow }, emit, ctx.signal).finally(flush);

  for (const [label, matcher] of matchers) {
    if (matcher.untimed > 0) ctx.log.warn(`${label}: ${matcher.untimed} line(s) carry no time, so --since/--until left them out.`);
  }
  const read = sources.map((s) => s.name).filter((name) => !unread.has(name));
  // A count of 0 from nothing read is no all-clear (a missing log file, a pm2 app that never logged).
  if (!options.follow && read.length === 0) ctx.log.warn(`No log source of ${env.name} could be read, so nothing was searched.`);
  if (options.count) await ctx.out(ctx.json ? `${JSON.stringify({ count: outcome.matched, sources: { read, unread: [...unread] } })}\n` : `${outcome.matched}\n`);
  const data: LogsData = { environment: env.name, sources: sources.map((s) => s.name), matched: outcome.matched, stopped: outcome.stopped };
  const window = ctx.signal.reason instanceof TimeoutError;
  const exitCode = outcome.stopped && !window ? 0 : outcome.matched > 0 ? 0 : 1;
  return { data, exitCode, streamed: true };
}

/** Never called: logs writes its lines as it goes. */
export function render(_data: LogsData, _style: Style): string {
  return '';
}

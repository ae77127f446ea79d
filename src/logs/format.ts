import type { Style } from '../output/style.js';
import { levelName } from './levels.js';
import type { LogEntry } from './entry.js';
import { leadingTime } from './when.js';

/** Keys the line already shows in its own place (or that only add noise: pino's pid, hostname, v). */
const SHOWN = new Set(['level', 'severity', 'lvl', 'time', 'timestamp', '@timestamp', 'ts', 'msg', 'message', 'pid', 'hostname', 'v']);

/** The field --json adds to name a record's source: dotted, so no logger writes it at the top level. */
export const SOURCE_FIELD = 'opsctl.source';
const CONTEXT_FIELD = 'opsctl.context';

/**
 * `--json`: a JSON record as the app wrote it with its source added first (a record printed over
 * several lines comes out compact, on one); a plain-text record as {"time", "level", "source",
 * "message"} (time and level when known). Context records (-A/-B/-C) say so.
 */
export function formatJsonLine(entry: LogEntry): string {
  const added = `"${SOURCE_FIELD}":${JSON.stringify(entry.source)}${entry.context ? `,"${CONTEXT_FIELD}":true` : ''}`;
  if (entry.json) {
    const text = entry.text.includes('\n') ? JSON.stringify(entry.record ?? JSON.parse(entry.text)) : entry.text.trim();
    let i = 1;
    while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i += 1;
    return `{${added}${text.charCodeAt(i) === 125 ? '' : ','}${text.slice(1)}`;
  }
  return JSON.stringify({
    ...(entry.time === undefined ? {} : { time: new Date(entry.time).toISOString() }),
    ...(entry.level === undefined ? {} : { level: levelName(entry.level) }),
    source: entry.source,
    message: entry.text,
    [SOURCE_FIELD]: entry.source,
    ...(entry.context ? { [CONTEXT_FIELD]: true } : {}),
  });
}

const NEWLINE = Buffer.from('\n');
const added = new Map<string, Buffer>();

/** formatJsonLine and its newline for a record kept as bytes (a one-line object as the app wrote it): the same bytes, never decoded. */
export function jsonLineBytes(entry: LogEntry & { raw: Buffer }): Buffer[] {
  let start = added.get(entry.source);
  if (!start) added.set(entry.source, (start = Buffer.from(`{"${SOURCE_FIELD}":${JSON.stringify(entry.source)},`)));
  return [start, entry.raw.subarray(1), NEWLINE];
}

/** One readable line: source, time, level, message, then the record's other fields; a stack under it. */
export function formatHumanLine(entry: LogEntry, style: Style): string {
  const source = style.cyan(entry.source);
  if (!entry.record) {
    // A plain line that carries no time of its own gets docker's, when there is one.
    const time = entry.time !== undefined && leadingTime(entry.text) === undefined && entry.text.charCodeAt(0) !== 32 ? ` ${style.dim(iso(entry.time))}` : '';
    // A record over several lines (a stack, util.inspect output): each line under the first starts with the source too.
    const [first, ...rest] = entry.text.split('\n');
    return [`${source}${time} ${paintText(visible(first!), entry.level, style)}`, ...rest.map((line) => `${source} ${paintText(visible(line), entry.level, style)}`)].join('\n');
  }
  const { record } = entry;
  const parts = [
    source,
    ...(entry.time === undefined ? [] : [style.dim(iso(entry.time))]),
    ...(entry.level === undefined ? [] : [paintLevel(entry.level, style)]),
  ];
  const message = record.msg ?? record.message;
  if (message !== undefined) parts.push(visible(typeof message === 'string' ? message : JSON.stringify(message)));
  const stacks: string[] = [];
  const extras = Object.entries(record)
    .filter(([key]) => !SHOWN.has(key))
    .map(([key, value]) => `${key}=${showValue(withoutStack(value, stacks))}`);
  if (extras.length > 0) parts.push(style.dim(visible(extras.join(' '))));
  const stackLines = stacks.flatMap((stack) => stack.split('\n')).map((line) => style.dim(visible(line)));
  return [parts.join(' '), ...stackLines].join('\n');
}

// C0 controls but tab, DEL and C1 controls: a log line's ESC sequences could move the cursor,
// rewrite the screen or set the window title of whoever reads it.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/** The text with control characters shown as \xNN, for the terminal (--json keeps them, escaped by JSON). */
export function visible(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function iso(time: number): string {
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? String(time) : date.toISOString();
}

function paintLevel(rank: number, style: Style): string {
  const name = levelName(rank).toUpperCase().padEnd(5);
  return rank >= 30 && rank < 40 ? style.green(name) : paintText(name, rank, style);
}

function paintText(text: string, rank: number | undefined, style: Style): string {
  if (rank === undefined) return text;
  if (rank >= 60) return style.bold.red(text);
  if (rank >= 50) return style.red(text);
  if (rank >= 40) return style.yellow(text);
  if (rank >= 30) return text;
  return style.dim(text);
}

/** pino's err.stack is shown as lines under the record, not squeezed into it. */
function withoutStack(value: unknown, stacks: string[]): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof (value as { stack?: unknown }).stack !== 'string') return value;
  const { stack, ...rest } = value as { stack: string };
  stacks.push(stack);
  return rest;
}

function showValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

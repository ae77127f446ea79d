import type { ContextSize, Criteria, LogEntry } from './entry.js';
import { withContext } from './context-records.js';
import { checkRecord, type Facts, type RecordText } from './record-check.js';
import { splitLines } from './file-read.js';
import { keepBytes, levelGate, NOT_EXACT, rawEntry, type KeptLine } from './level-gate.js';
import { PLAIN_CLOCK, type LineClock } from './when.js';
import { braceBalance, closesOnItsLine, formatOfLine, isHead, type RecordFormat } from './record-heads.js';

export interface Matcher {
  /** The records among these lines (in their source's order) that pass; the last one stays open for the next call. */
  push(lines: readonly string[], transportTime?: number): LogEntry[];
  /** As push, for the lines of buffer [start, end) (newline-separated bytes): lines that cannot match are not decoded. */
  pushBytes(buffer: Buffer, start: number, end: number): LogEntry[];
  /** The record still open, if it passes. */
  flush(): LogEntry[];
  /** One line that is all there is for now (docker's lines, a test): push and flush. */
  match(text: string, transportTime?: number): LogEntry | undefined;
  /** Whether a line starts a record in this source (reading backwards aligns on it). */
  isHead(line: string): boolean;
  /** Sets the format from a file's first lines before reading it from elsewhere than its start. */
  prime(format: RecordFormat): void;
  /** How this source's plain lines carry their time (pm2's log_date_format); the usual stamps unless told. */
  useClock(clock: LineClock): void;
  /** Reading starts elsewhere: lines before the first head continue a record before the read (left out with `skip`), else they are a record of their own. */
  reset(orphans: 'skip' | 'own'): void;
  /** Records left out by --since/--until because no time could be found for them. */
  readonly untimed: number;
  /** -B: a match comes with records before it, which a read backwards could cut off at a chunk's edge. */
  readonly holdsBefore: boolean;
}

export const DEFAULT_CORRELATION_FIELDS = ['corr.correlationId', 'correlationId', 'requestId', 'reqId', 'req.id', 'req_id', 'traceId', 'trace_id', 'traceparent', 'req.headers.traceparent', 'req.headers.x-request-id'];

/**
 * Groups one source's lines into records (by the source's format, see record-heads.ts) and filters
 * them. Cheap text tests run first; JSON.parse runs only for the records that pass them. Lines that
 * continue a record already given out (follow mode, a write cut in two) take its facts.
 */
export function createMatcher(criteria: Criteria, source: string, options: { parse?: boolean; context?: ContextSize } = {}): Matcher {
  let format: RecordFormat = 'plain';
  let clock: LineClock = PLAIN_CLOCK;
  let head: string | undefined;
  let more: string[] | undefined;
  let transport: number | undefined;
  // A pretty-printed JSON record still open: its depth and whether a string runs on.
  let open: { depth: number; inString: boolean } | undefined;
  // The facts of the record given out last; undefined at a source's start, where lines without a head are a record of their own.
  let last: Facts | undefined;
  const counts = { untimed: 0 };
  // One object reused for every record: checkRecord reads it and keeps nothing of it.
  const record: RecordText = {};
  const check = (record: RecordText) => checkRecord(record, criteria, source, options.parse !== false, last, counts, clock);
  const context = options.context && (options.context.before > 0 || options.context.after > 0) ? withContext(options.context) : undefined;
  const gate = levelGate(criteria, options.parse !== false, options.context);

  const finish = (out: LogEntry[]) => {
    if (head === undefined && more === undefined) return;
    if (head === undefined && !last) head = more!.shift();
    record.head = head;
    record.more = more;
    record.transportTime = transport;
    const result = check(record);
    last = result.facts;
    if (context) context.add(result.entry, { ...record }, out, source, clock);
    else if (result.entry) out.push(result.entry);
    head = undefined;
    more = undefined;
    open = undefined;
  };

  // One line of the source, in order: it continues the open record or starts the next.
  const step = (line: string, transportTime: number | undefined, out: LogEntry[]) => {
    if (line === '' || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
    if (open) {
      (more ??= []).push(line);
      const balance = braceBalance(line, open.inString);
      const depth = open.depth + balance.depth;
      open = depth > 0 ? { depth, inString: balance.inString } : undefined;
      return;
    }
    format = formatOfLine(line, format, clock);
    if (!isHead(line, format, clock)) {
      (more ??= []).push(line);
      return;
    }
    finish(out);
    head = line;
    transport = transportTime;
    if (line.charCodeAt(0) === 123 && !closesOnItsLine(line)) {
      const balance = braceBalance(line);
      if (balance.depth > 0) open = balance;
    }
  };

  return {
    get untimed() {
      return counts.untimed;
    },
    holdsBefore: (options.context?.before ?? 0) > 0,
    isHead: (line) => isHead(line, format, clock),
    prime(next) {
      format = next;
    },
    useClock(next) {
      clock = next;
    },
    reset(orphans) {
      head = undefined;
      more = undefined;
      open = undefined;
      last = orphans === 'skip' ? { passed: false } : undefined;
      context?.clear();
    },
    push(lines, transportTime) {
      const out: LogEntry[] = [];
      for (const line of lines) step(line, transportTime, out);
      return out;
    },
    pushBytes(buffer, start, end) {
      const out: LogEntry[] = [];
      if (!gate) {
        for (const line of splitLines(buffer, start, end)) step(line, undefined, out);
        return out;
      }
      const kept: KeptLine[] = [];
      // Lines from `run` on are not handled yet: decoded together, as push would, when a line is not the gate's.
      let run = start;
      for (let at = start; at < end; ) {
        const newline = Math.min(end, indexOfNewline(buffer, at, end));
        // The gate's lines are whole one-line records: a '{' line after them (any format's head) says nothing continues them.
        const rank = newline + 1 < end && buffer[newline + 1] === 123 ? gate.rankOf(buffer, at, newline) : NOT_EXACT;
        if (rank !== NOT_EXACT) {
          if (run < at) for (const line of splitLines(buffer, run, at - 1)) step(line, undefined, out);
          run = at;
          // Inside a pretty-printed object the line would continue it: not the gate's to judge.
          const passes = rank !== undefined && rank >= gate.minLevel;
          if (!open && (!passes || gate.passesWithoutParse)) {
            finish(out);
            format = formatOfLine('{', format);
            if (passes) {
              const entry = rawEntry(source, rank);
              kept.push({ entry, start: at, end: newline });
              out.push(entry);
            }
            // No line continues it: the next one starts a record.
            last = { passed: passes, level: rank };
            run = newline + 1;
          }
        }
        at = newline + 1;
      }
      if (run < end) for (const line of splitLines(buffer, run, end)) step(line, undefined, out);
      if (kept.length > 0) keepBytes(buffer, kept);
      return out;
    },
    flush() {
      const out: LogEntry[] = [];
      finish(out);
      return out;
    },
    match(text, transportTime) {
      const out = this.push([text], transportTime);
      finish(out);
      return out[0];
    },
  };
}

function indexOfNewline(buffer: Buffer, from: number, end: number): number {
  const at = buffer.indexOf(10, from);
  return at < 0 || at > end ? end : at;
}

import type { TextTest } from '../process/linear-regex.js';
import { levelRank, plainLevel } from './levels.js';
import { jsonLevel, jsonTime, looksLikeJson, valueAt } from './line.js';
import { leadingTime, timeValue } from './when.js';

/** One line that passed the filters. */
export interface LogEntry {
  /** Where it came from: a file, a pm2 instance's out or err log, a container. */
  source: string;
  /** The line as the app wrote it (docker's prefix taken off). */
  text: string;
  /** Epoch ms: the record's own time, else the line's leading time, else the transport's (docker), else its first line's. */
  time?: number;
  /** Rank on pino's scale (30 info, 50 error), when the line says. */
  level?: number;
  /** The line is a JSON object ... */
  json?: boolean;
  /** ... and this is it parsed (not needed for --json output without filters to check). */
  record?: Record<string, unknown>;
}

export interface Criteria {
  minLevel?: number;
  /** Runs in linear time (see compileLinear): a hostile line cannot hang a match. */
  grep?: TextTest;
  correlationId?: string;
  correlationFields: readonly string[];
  since?: number;
  until?: number;
}

export interface Matcher {
  /** The entry when the line passes every filter; lines are given in their source's order. */
  match(text: string, transportTime?: number): LogEntry | undefined;
  /** Lines left out by --since/--until because no time could be found for them. */
  readonly untimed: number;
}

export const DEFAULT_CORRELATION_FIELDS = ['corr.correlationId', 'correlationId', 'requestId', 'reqId'];

/**
 * Filters the lines of one source. Cheap text tests run first on every line; JSON.parse runs only for
 * the lines that pass them. An indented plain-text line (a stack trace) belongs to the line above it
 * and takes its level and time.
 */
export function createMatcher(criteria: Criteria, source: string, options: { parse?: boolean } = {}): Matcher {
  const { minLevel, grep, correlationId, since, until } = criteria;
  const byTime = since !== undefined || until !== undefined;
  // Parsing proves the cheap tests right (a nested "level" key) and feeds the readable format; --json alone needs neither.
  const parse = options.parse !== false || minLevel !== undefined || byTime || correlationId !== undefined;
  let head: { level?: number; time?: number } = {};
  let untimed = 0;
  return {
    get untimed() {
      return untimed;
    },
    match(text, transportTime) {
      const json = looksLikeJson(text);
      const continuation = !json && isContinuation(text);
      if (!continuation) {
        head = {
          // A plain line's level is kept for the stack trace lines under it, filtered or not.
          level: json ? (minLevel === undefined ? undefined : jsonLevel(text)) : plainLevel(text),
          time: byTime ? ((json ? jsonTime(text) : leadingTime(text)) ?? transportTime) : undefined,
        };
      }
      if (text.trim() === '') return undefined;
      if (grep && !grep.test(text)) return undefined;
      if (correlationId !== undefined && !text.includes(correlationId)) return undefined;
      if (minLevel !== undefined && (head.level === undefined || head.level < minLevel)) return undefined;
      if (byTime) {
        if (head.time === undefined) {
          untimed += 1;
          return undefined;
        }
        if ((since !== undefined && head.time < since) || (until !== undefined && head.time > until)) return undefined;
      }
      if (json && !parse) return { source, text, json, level: head.level ?? jsonLevel(text), time: jsonTime(text) ?? transportTime };
      if (json) return checkRecord(text, criteria, source, transportTime) ?? undefined;
      return continuation ? { source, text, level: head.level, time: head.time ?? transportTime } : plainEntry(text, source, head.level, transportTime);
    },
  };
}

/** An indented line: part of the line above it (a stack trace under its error). */
export function isContinuation(text: string): boolean {
  const first = text.charCodeAt(0);
  return (first === 32 || first === 9) && !looksLikeJson(text);
}

function plainEntry(text: string, source: string, level: number | undefined, transportTime?: number): LogEntry {
  return { source, text, level, time: leadingTime(text) ?? transportTime };
}

/** The precise test on the parsed record; null when the record fails it. Text that does not parse is plain text. */
function checkRecord(text: string, criteria: Criteria, source: string, transportTime?: number): LogEntry | null {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return plainEntry(text, source, plainLevel(text), transportTime);
  }
  if (!record || typeof record !== 'object' || Array.isArray(record)) return plainEntry(text, source, plainLevel(text), transportTime);
  const fields = record as Record<string, unknown>;
  const level = levelRank(fields.level ?? fields.severity ?? fields.lvl);
  const time = timeValue(fields.time ?? fields.timestamp ?? fields['@timestamp'] ?? fields.ts) ?? transportTime;
  if (criteria.minLevel !== undefined && (level === undefined || level < criteria.minLevel)) return null;
  if (criteria.since !== undefined && (time === undefined || time < criteria.since)) return null;
  if (criteria.until !== undefined && (time === undefined || time > criteria.until)) return null;
  const id = criteria.correlationId;
  if (id !== undefined && !criteria.correlationFields.some((field) => stringOf(valueAt(fields, field)) === id)) return null;
  return { source, text, json: true, level, time, record: fields };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

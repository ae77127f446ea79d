import { plainLevel, rankIn } from './levels.js';
import { jsonLevel, jsonTime, valueAt } from './line.js';
import type { Criteria, LogEntry } from './entry.js';
import { closesOnItsLine } from './record-heads.js';
import { PLAIN_CLOCK, timeValue, type LineClock } from './when.js';

/** A record's lines: its head (undefined when the lines continue a record given out before) and the rest. */
export interface RecordText {
  head?: string;
  more?: string[];
  transportTime?: number;
}

/** What the lines continuing a record take from it. */
export interface Facts {
  passed: boolean;
  level?: number;
  time?: number;
}

const FAILED: Facts = { passed: false };
// Most records fail a filter: one shared answer for them keeps the garbage collector out of the loop.
const REJECTED: { entry?: LogEntry; facts: Facts } = Object.freeze({ facts: FAILED });

/**
 * The filters on one record, cheap ones first: text tests on its lines, then level and time read from
 * the record's own top-level keys (or a plain head's level word and leading time), then JSON.parse
 * for the JSON records that passed (the correlation id is a field's value, not text anywhere).
 */
export function checkRecord(r: RecordText, criteria: Criteria, source: string, parse: boolean, last: Facts | undefined, counts: { untimed: number }, clock: LineClock = PLAIN_CLOCK): { entry?: LogEntry; facts: Facts } {
  const lines = r.head === undefined ? r.more! : r.more ? [r.head, ...r.more] : undefined;
  const text = lines ? lines.join('\n') : r.head!;
  if (criteria.grep && !(lines ? lines.some((l) => criteria.grep!.test(l)) : criteria.grep.test(text))) return REJECTED;
  if (criteria.exclude && (lines ? lines.some((l) => criteria.exclude!.test(l)) : criteria.exclude.test(text))) return REJECTED;
  if (r.head === undefined) {
    if (!last?.passed) return REJECTED;
    return { entry: { source, text, level: last.level, time: last.time ?? r.transportTime }, facts: last };
  }
  const id = criteria.correlationId;
  if (id !== undefined && textMayHold(id) && !text.includes(id)) return REJECTED;
  const json = r.head.charCodeAt(0) === 123;
  // A JSON head with indented lines after it (a stack printed under it): the object is the head alone.
  const jsonText = json && r.more && closesOnItsLine(r.head) ? r.head : text;
  const level = json ? jsonLevel(jsonText, criteria.levels) : plainLevel(plainBody(r.head, clock), criteria.levels);
  if (criteria.minLevel !== undefined && (level === undefined || level < criteria.minLevel)) return REJECTED;
  const byTime = criteria.since !== undefined || criteria.until !== undefined;
  const time = (json ? jsonTime(jsonText) : clock.timeOf(r.head)) ?? r.transportTime;
  if (byTime && time === undefined) {
    counts.untimed += 1;
    return REJECTED;
  }
  if (time !== undefined && ((criteria.since !== undefined && time < criteria.since) || (criteria.until !== undefined && time > criteria.until))) return REJECTED;
  const facts = { passed: true, level, time };
  // Parsing proves the text tests right for the records that pass a filter, and feeds the readable format.
  if (json && (parse || r.more || id !== undefined || byTime || criteria.minLevel !== undefined)) {
    const record = parseObject(jsonText);
    // Text that does not parse is plain text after all: its correlation id is the text.
    if (!record) return id === undefined || text.includes(id) ? { entry: { source, text, level: plainLevel(r.head, criteria.levels), time }, facts } : REJECTED;
    if (id !== undefined && !hasCorrelationId(record, criteria.correlationFields, id)) return REJECTED;
    return { entry: { source, text, json, level: rankIn(record.level ?? record.severity ?? record.lvl, criteria.levels) ?? level, time: timeValue(record.time ?? record.timestamp ?? record['@timestamp'] ?? record.ts) ?? time, record }, facts };
  }
  if (!json && id !== undefined && !text.includes(id)) return REJECTED;
  return { entry: { source, text, json: json || undefined, level, time }, facts };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** An id JSON would write as is (no quote, backslash, control or non-ASCII character to escape) can be looked for in the text first. */
function textMayHold(id: string): boolean {
  return /^[\x20-\x7e]*$/.test(id) && !/["\\]/.test(id);
}

// W3C trace context: version-traceid-parentid-flags; the trace id alone finds it too.
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

function hasCorrelationId(record: Record<string, unknown>, fields: readonly string[], id: string): boolean {
  return fields.some((field) => {
    const value = valueAt(record, field);
    if (typeof value !== 'string' && typeof value !== 'number') return false;
    const text = String(value);
    return text === id || TRACEPARENT.exec(text)?.[1] === id;
  });
}

/** A record that did not match, shown as context: its time and level as the head says. */
export function contextEntry(r: RecordText, source: string, clock: LineClock = PLAIN_CLOCK): LogEntry {
  const text = r.head === undefined ? r.more!.join('\n') : r.more ? [r.head, ...r.more].join('\n') : r.head;
  const head = r.head ?? '';
  const json = head.charCodeAt(0) === 123;
  const time = (json ? jsonTime(head) : clock.timeOf(head)) ?? r.transportTime;
  // Parsed like a match, so the readable format shows it the same way (context records are few).
  const record = json ? parseObject(text) : undefined;
  return { source, text, time, level: json ? jsonLevel(head) : plainLevel(plainBody(head, clock)), context: true, ...(record ? { json: true, record } : {}) };
}

/** The head a level word is looked for in: plainLevel already skips pm2's --time stamp; a log_date_format's stamp is cut here. */
function plainBody(head: string, clock: LineClock): string {
  return clock === PLAIN_CLOCK ? head : clock.body(head);
}

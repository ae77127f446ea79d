import { parseDuration } from '../config/duration.js';
import type { DateStamp } from './date-format.js';

/** `--since 30m` / `--until 2024-01-15T10:00:00Z`: a duration back from now, or a date and time. Epoch ms, or undefined. */
export function parseWhen(text: string, now: number): number | undefined {
  const back = parseDuration(text);
  if (back !== undefined) return now - back;
  // A bare date or a time without a zone is local time, as a user typing it means.
  const parsed = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00` : text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** A record's time field: epoch ms or seconds (pino, zap), or an ISO string. */
export function timeValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? (value < 1e11 ? value * 1000 : value) : undefined;
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return timeValue(Number(value));
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

// "2024-01-15T10:23:45.123Z ...", "2024-01-15 10:23:45,123 ...", "[2024-01-15T10:23:45+01:00] ...", pm2's "2024-01-15T10:23:45: ...".
const LEADING = /^\[?(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})([.,]\d+)?(Z|[+-]\d{2}:?\d{2})?/;

/** The time a plain-text line starts with, if it starts with one. */
export function leadingTime(text: string): number | undefined {
  const match = LEADING.exec(text);
  if (!match) return undefined;
  const fraction = match[3] ? `.${match[3].slice(1)}` : '';
  const parsed = Date.parse(`${match[1]}T${match[2]}${fraction}${match[4] ?? ''}`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

// pm2 with --time or log_date_format "YYYY-MM-DDTHH:mm:ss" writes that stamp and ": " before every line it gets.
const PM2_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}: /;

/** The line without pm2's per-line stamp: a stack line pm2 stamped still continues its error. */
export function withoutPm2Stamp(text: string): string {
  return PM2_STAMP.test(text) ? text.slice(21) : text;
}

/** How a source's plain-text lines carry their time: the usual leading stamps, or pm2's log_date_format. */
export interface LineClock {
  /** The time a plain-text line starts with, if it starts with one. */
  timeOf(text: string): number | undefined;
  /** The line without the stamp pm2 put before it. */
  body(text: string): string;
}

export const PLAIN_CLOCK: LineClock = { timeOf: leadingTime, body: withoutPm2Stamp };

/** A pm2 source with its own log_date_format; lines written before it was set (or with --time) are still read. */
export function stampClock(stamp: DateStamp): LineClock {
  return {
    timeOf: (text) => stamp.read(text)?.time ?? leadingTime(text),
    body: (text) => {
      const read = stamp.read(text);
      return read ? text.slice(read.length) : withoutPm2Stamp(text);
    },
  };
}

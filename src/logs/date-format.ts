// pm2 stamps each line with dayjs().format(log_date_format) and ": " (pm2's ForkMode and
// ProcessContainer). This reads such a stamp back, for the dayjs tokens that give a date and time.

/** A compiled log_date_format: the stamp a line starts with, as epoch ms and the length of "<stamp>: ". */
export interface DateStamp {
  read(text: string): { time: number; length: number } | undefined;
}

type Field = 'year' | 'shortYear' | 'month' | 'day' | 'hour' | 'hour12' | 'meridiem' | 'minute' | 'second' | 'ms' | 'offset';

/** dayjs's own token pattern (dayjs/esm/constant.js REGEX_FORMAT): anything else is literal text. */
const TOKENS = /\[([^\]]+)]|Y{1,4}|M{1,4}|D{1,2}|d{1,4}|H{1,2}|h{1,2}|a|A|m{1,2}|s{1,2}|Z{1,2}|SSS/g;

/** The tokens this reads, as the text dayjs writes for them (fixed widths keep the pattern linear). */
const READABLE: Record<string, { field: Field; pattern: string }> = {
  YYYY: { field: 'year', pattern: '(\\d{4})' },
  YY: { field: 'shortYear', pattern: '(\\d{2})' },
  MM: { field: 'month', pattern: '(\\d{2})' },
  M: { field: 'month', pattern: '(\\d{1,2})' },
  DD: { field: 'day', pattern: '(\\d{2})' },
  D: { field: 'day', pattern: '(\\d{1,2})' },
  HH: { field: 'hour', pattern: '(\\d{2})' },
  H: { field: 'hour', pattern: '(\\d{1,2})' },
  hh: { field: 'hour12', pattern: '(\\d{2})' },
  h: { field: 'hour12', pattern: '(\\d{1,2})' },
  A: { field: 'meridiem', pattern: '(AM|PM)' },
  a: { field: 'meridiem', pattern: '(am|pm)' },
  mm: { field: 'minute', pattern: '(\\d{2})' },
  m: { field: 'minute', pattern: '(\\d{1,2})' },
  ss: { field: 'second', pattern: '(\\d{2})' },
  s: { field: 'second', pattern: '(\\d{1,2})' },
  SSS: { field: 'ms', pattern: '(\\d{3})' },
  Z: { field: 'offset', pattern: '([+-]\\d{2}:\\d{2})' },
  ZZ: { field: 'offset', pattern: '([+-]\\d{4})' },
};

/**
 * The reader of a log_date_format, or the reason it cannot be read: a token with no reader here
 * (month and weekday names, ordinals), or no year, month and day to place the time on.
 */
export function compileDateFormat(format: string): { stamp: DateStamp } | { unreadable: string } {
  const fields: Field[] = [];
  const unknown: string[] = [];
  let pattern = '';
  let last = 0;
  for (const match of format.matchAll(TOKENS)) {
    pattern += escape(format.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[1] !== undefined) {
      pattern += escape(match[1]);
      continue;
    }
    const token = READABLE[match[0]];
    if (!token) {
      unknown.push(match[0]);
      continue;
    }
    fields.push(token.field);
    pattern += token.pattern;
  }
  pattern += escape(format.slice(last));
  if (unknown.length > 0) return { unreadable: `it has ${unknown.join(', ')}, which opsctl cannot read back` };
  const has = (field: Field) => fields.includes(field);
  if (!(has('year') || has('shortYear')) || !has('month') || !has('day')) return { unreadable: 'it does not give the year, month and day' };
  if (has('hour12') && !has('meridiem')) return { unreadable: 'it gives a 12-hour time without AM/PM' };
  const regex = new RegExp(`^${pattern}: `);
  return { stamp: { read: (text) => readStamp(regex, fields, text) } };
}

/** What status and logs say of a log_date_format opsctl cannot read back (`reason` from compileDateFormat). */
export function unreadableFormatNote(app: string, format: string, reason: string): string {
  return `pm2 stamps ${app}'s log lines with log_date_format "${format}", and ${reason}: opsctl logs cannot apply --since/--until to them or merge them in time order. Use digits only, e.g. log_date_format: "YYYY-MM-DD HH:mm:ss Z".`;
}

function readStamp(regex: RegExp, fields: readonly Field[], text: string): { time: number; length: number } | undefined {
  const match = regex.exec(text);
  if (!match) return undefined;
  const value: Partial<Record<Field, string>> = {};
  fields.forEach((field, i) => (value[field] = match[i + 1]));
  const number = (field: Field) => Number(value[field] ?? 0);
  const year = value.year !== undefined ? number('year') : 2000 + number('shortYear');
  const hour = value.hour12 !== undefined ? (number('hour12') % 12) + (/pm/i.test(value.meridiem!) ? 12 : 0) : number('hour');
  const parts = [year, number('month') - 1, number('day'), hour, number('minute'), number('second'), number('ms')] as const;
  // Without an offset the stamp is the daemon's local time, as dayjs wrote it.
  const time = value.offset === undefined ? new Date(...parts).getTime() : Date.UTC(...parts) - offsetMs(value.offset);
  return Number.isNaN(time) ? undefined : { time, length: match[0].length };
}

/** "+01:00" or "-0530" as ms east of UTC. */
function offsetMs(text: string): number {
  const digits = text.replace(':', '');
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  return (text.startsWith('-') ? -1 : 1) * minutes * 60_000;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

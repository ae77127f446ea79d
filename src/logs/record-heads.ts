import { looksLikeJson } from './line.js';
import { PLAIN_CLOCK, type LineClock } from './when.js';

/**
 * How a source's lines group into records, decided by what its records start with, not by a
 * character at column 0: log4js prints an error's properties with a closing "}" at column 0, pino
 * and winston write one JSON object a line (or pretty-printed over several), pm2 --time stamps each write.
 *  - plain: no line so far starts with a time or a JSON object; an indented line continues the one above.
 *  - timed: records start with a time ("2024-01-15T10:00:00", "[2024-01-15 10:00:00.123]"); every
 *    other line (stack, util.inspect output, blank) belongs to the record above.
 *  - json: records are JSON objects; indented lines, and lines closing an object, continue.
 */
export type RecordFormat = 'plain' | 'timed' | 'json';

/** The format of the first line that says one; plain while none has. */
export function formatOfLine(line: string, current: RecordFormat, clock: LineClock = PLAIN_CLOCK): RecordFormat {
  if (current !== 'plain') return current;
  if (line.charCodeAt(0) === 123) return 'json';
  return clock.timeOf(line) === undefined ? 'plain' : 'timed';
}

/** The format the first lines of a file show (a few KB are enough: logs are uniform). */
export function sniffFormat(lines: readonly string[], clock: LineClock = PLAIN_CLOCK): RecordFormat {
  let format: RecordFormat = 'plain';
  for (const line of lines) {
    format = formatOfLine(line, format, clock);
    if (format !== 'plain') break;
  }
  return format;
}

/** Whether a line starts a record in a source of this format (outside an open pretty-printed object). */
export function isHead(line: string, format: RecordFormat, clock: LineClock = PLAIN_CLOCK): boolean {
  const first = line.charCodeAt(0);
  if (first === 123) return true; // '{' at column 0: a JSON record in any format
  // The usual stamps start with a digit or "[": a cheap test before the pattern (a log_date_format may start with anything).
  if (format === 'timed') return (clock !== PLAIN_CLOCK || isDigitOrBracket(first)) && clock.timeOf(line) !== undefined && !isIndented(clock.body(line));
  if (first === 32 || first === 9 || Number.isNaN(first)) return looksLikeJson(line);
  // JSON files: a line closing a pretty-printed object or array continues it.
  return !(format === 'json' && (first === 125 || first === 93));
}

function isIndented(line: string): boolean {
  const first = line.charCodeAt(0);
  return first === 32 || first === 9;
}

function isDigitOrBracket(code: number): boolean {
  return (code >= 48 && code <= 57) || code === 91;
}

/** Brace depth a line adds (outside strings): a pretty-printed object is open while the sum is above 0. */
export function braceBalance(line: string, inString = false): { depth: number; inString: boolean } {
  let depth = 0;
  for (let i = 0; i < line.length; i += 1) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 92) i += 1;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth += 1;
    else if (c === 125 || c === 93) depth -= 1;
  }
  return { depth, inString };
}

/** A JSON head line that holds the whole object: it ends with "}" (the usual case: no scan needed). */
export function closesOnItsLine(line: string): boolean {
  let end = line.length - 1;
  while (end > 0 && (line.charCodeAt(end) === 32 || line.charCodeAt(end) === 9)) end -= 1;
  return line.charCodeAt(end) === 125;
}

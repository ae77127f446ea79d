import { levelRank } from './levels.js';
import { timeValue } from './when.js';

// Cheap tests on a JSON line's text, run before (and instead of) JSON.parse on every line.
// They read the first occurrence of a key: pino and the manuals' format write level and time first.

const LEVEL_KEYS = ['"level":', '"severity":', '"lvl":'];
const TIME_KEYS = ['"time":', '"timestamp":', '"@timestamp":', '"ts":'];

/** The line is a JSON object (maybe: JSON.parse decides for the lines that pass the filters). */
export function looksLikeJson(text: string): boolean {
  let i = 0;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i += 1;
  return text.charCodeAt(i) === 123; // '{'
}

export function jsonLevel(text: string): number | undefined {
  const raw = firstScalar(text, LEVEL_KEYS);
  return raw === undefined ? undefined : levelRank(raw);
}

export function jsonTime(text: string): number | undefined {
  const raw = firstScalar(text, TIME_KEYS);
  return raw === undefined ? undefined : timeValue(raw);
}

function firstScalar(text: string, keys: readonly string[]): string | number | undefined {
  for (const key of keys) {
    const at = text.indexOf(key);
    if (at >= 0) return scalarAt(text, at + key.length);
  }
  return undefined;
}

/** The JSON string or number starting at `at` (after optional spaces). */
function scalarAt(text: string, at: number): string | number | undefined {
  let i = at;
  while (text.charCodeAt(i) === 32) i += 1;
  if (text.charCodeAt(i) === 34) {
    const end = text.indexOf('"', i + 1);
    return end < 0 ? undefined : text.slice(i + 1, end);
  }
  let end = i;
  while (end < text.length && isNumberChar(text.charCodeAt(end))) end += 1;
  const value = Number(text.slice(i, end));
  return end > i && Number.isFinite(value) ? value : undefined;
}

function isNumberChar(code: number): boolean {
  return (code >= 48 && code <= 57) || code === 45 || code === 43 || code === 46 || code === 101 || code === 69;
}

/** The value at a dotted path ("corr.correlationId") of a parsed record. */
export function valueAt(record: Record<string, unknown>, dotted: string): unknown {
  if (dotted in record) return record[dotted];
  let value: unknown = record;
  for (const key of dotted.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

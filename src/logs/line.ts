import { rankIn, type LevelMap } from './levels.js';
import { timeValue } from './when.js';

// Cheap tests on a JSON line's text, run before (and instead of) JSON.parse on every line. They read
// top-level keys only: winston's metadata ({"lesson":{"level":"B2"}}) or a nested {"db":{"time":1}}
// must never be taken for the record's own level or time.

const LEVEL_KEYS = ['"level"', '"severity"', '"lvl"'];
const TIME_KEYS = ['"time"', '"timestamp"', '"@timestamp"', '"ts"'];

/** The line is a JSON object (maybe: JSON.parse decides for the lines that pass the filters). */
export function looksLikeJson(text: string): boolean {
  let i = 0;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i += 1;
  return text.charCodeAt(i) === 123; // '{'
}

export function jsonLevel(text: string, custom?: LevelMap): number | undefined {
  const raw = topLevelScalar(text, LEVEL_KEYS);
  return raw === undefined ? undefined : rankIn(raw, custom);
}

export function jsonTime(text: string): number | undefined {
  const raw = topLevelScalar(text, TIME_KEYS);
  return raw === undefined ? undefined : timeValue(raw);
}

/** The scalar of the first of `keys` (in their order) that the object has at its top level. */
export function topLevelScalar(text: string, keys: readonly string[]): string | number | undefined {
  for (const key of keys) {
    const at = topLevelKey(text, key);
    if (at >= 0) return scalarAt(text, at);
  }
  return undefined;
}

/**
 * Where the value of the top-level `"key"` starts (after its colon), or -1. Each occurrence found by
 * indexOf is checked by scanning the text before it once for depth and strings, so a line costs
 * one pass at most even when the key also appears nested or inside a string.
 */
export function topLevelKey(text: string, quotedKey: string): number {
  let scanned = 0;
  let depth = 0;
  let inString = false;
  for (let at = text.indexOf(quotedKey); at >= 0; at = text.indexOf(quotedKey, at + 1)) {
    // Bring the depth and string state up to `at`.
    for (; scanned < at; scanned += 1) {
      const c = text.charCodeAt(scanned);
      if (inString) {
        if (c === 92) scanned += 1; // backslash: skip the escaped character
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth += 1;
      else if (c === 125 || c === 93) depth -= 1;
    }
    if (inString || depth !== 1) continue;
    let i = at + quotedKey.length;
    while (text.charCodeAt(i) === 32) i += 1;
    if (text.charCodeAt(i) === 58) return i + 1; // ':' after the key: it is a key, not a string value
  }
  return -1;
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
  if (Object.hasOwn(record, dotted)) return record[dotted];
  let value: unknown = record;
  for (const key of dotted.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

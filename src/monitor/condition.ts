import { ConfigError } from '../errors.js';
import { valueAt } from '../health/expect.js';

/** A test on one JSON log record: `req.status >= 500`, `level == "error"`, or `all`. */
export type Condition = (record: Record<string, unknown> | undefined) => boolean;

const CONDITION = /^([A-Za-z_$][\w$.-]*)\s*(>=|<=|==|!=|=|>|<)\s*(.+)$/;

const COMPARE: Record<string, (a: number | string, b: number | string) => boolean> = {
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '==': (a, b) => a === b,
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** Parsed once, when the config is read; `key` names the setting in the error. */
export function parseCondition(text: string, key: string): Condition {
  const trimmed = text.trim();
  if (trimmed === 'all') return () => true;
  const match = CONDITION.exec(trimmed);
  if (!match) {
    throw new ConfigError(`${key}: "${text}" is not a condition.`, 'Write a JSON field, an operator and a value, such as req.status >= 500 or level == "error", or the word all.');
  }
  const [, path, op, raw] = match as unknown as [string, string, string, string];
  const want = literal(raw.trim());
  const compare = COMPARE[op]!;
  return (record) => {
    if (!record) return false;
    const got = valueAt(record, path);
    if (typeof want === 'number') {
      const number = typeof got === 'number' ? got : typeof got === 'string' && got.trim() !== '' ? Number(got) : Number.NaN;
      return !Number.isNaN(number) && compare(number, want);
    }
    return (typeof got === 'string' || typeof got === 'number' || typeof got === 'boolean') && compare(String(got), want);
  };
}

function literal(raw: string): number | string {
  if (/^"(.*)"$|^'(.*)'$/.test(raw)) return raw.slice(1, -1);
  return raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
}

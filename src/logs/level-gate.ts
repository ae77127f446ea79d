import { splitLines } from './file-read.js';
import { rankIn, type LevelMap } from './levels.js';
import { jsonTime } from './line.js';
import type { ContextSize, Criteria, LogEntry } from './entry.js';

// A byte test of a JSON line's level before it is decoded: most lines of a big log fail --level, and
// decoding and testing them as text is most of the time a run takes. It answers only where it is
// exact: the level is the object's first key (`{"level":50,` as pino writes it), so it is at the top
// level by its place; any other line is left to the text tests and JSON.parse.

const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LEVEL_FIRST = Buffer.from('{"level":');
const EMPTY = Buffer.alloc(0);

/** The line's rank when its level is its first key; undefined when it has none that ranks; NOT_EXACT otherwise. */
export const NOT_EXACT = -Infinity;

export interface LevelGate {
  minLevel: number;
  /** The records that pass need no JSON.parse (--json, --count): they are given out from the byte test alone. */
  passesWithoutParse: boolean;
  rankOf(buffer: Buffer, start: number, end: number): number | undefined;
}

/**
 * A gate when --level is the only filter (a time, text or id filter reads more of the record than
 * its level) and no context record is wanted (-A/-B show records that fail).
 */
export function levelGate(criteria: Criteria, parse: boolean, context: ContextSize | undefined): LevelGate | undefined {
  const { minLevel, levels } = criteria;
  if (minLevel === undefined || criteria.grep || criteria.exclude || criteria.correlationId !== undefined) return undefined;
  if (criteria.since !== undefined || criteria.until !== undefined || (context && (context.before > 0 || context.after > 0))) return undefined;
  return { minLevel, passesWithoutParse: !parse, rankOf: (buffer, start, end) => rankOfLine(buffer, start, end, levels) };
}

/**
 * The rank of the line [start, end) (its newline excluded) when it is one whole JSON object whose
 * first key is "level" with a number or a plain word: `{"level":50,...}`, `{"level":"warn",...}`.
 */
export function rankOfLine(buffer: Buffer, start: number, end: number, levels?: LevelMap): number | undefined {
  let last = end - 1;
  if (buffer[last] === CR) last -= 1;
  if (buffer[start] !== OPEN_BRACE || buffer[last] !== CLOSE_BRACE || last - start < LEVEL_FIRST.length + 1) return NOT_EXACT;
  for (let k = 1; k < LEVEL_FIRST.length; k += 1) if (buffer[start + k] !== LEVEL_FIRST[k]) return NOT_EXACT;
  let i = start + LEVEL_FIRST.length;
  if (isDigit(buffer[i]!)) {
    let value = 0;
    for (; isDigit(buffer[i]!) && value < 1e9; i += 1) value = value * 10 + buffer[i]! - 48;
    return buffer[i] === COMMA || i === last ? value : NOT_EXACT;
  }
  if (buffer[i] !== QUOTE) return NOT_EXACT;
  const from = i + 1;
  for (i = from; i < last && isWordByte(buffer[i]!); i += 1);
  if (buffer[i] !== QUOTE || (buffer[i + 1] !== COMMA && i + 1 !== last)) return NOT_EXACT;
  return rankIn(buffer.toString('latin1', from, i), levels);
}

/**
 * A record the gate passed, kept as bytes: `raw` is set by keepBytes before the entry leaves the
 * matcher. Its text and time are decoded only when something reads them (a merge of several sources).
 */
export function rawEntry(source: string, level: number): LogEntry & { raw: Buffer } {
  return new RawEntry(source, level);
}

// A class, not an object with getters: its getters live once on the prototype, not in closures a record.
class RawEntry implements LogEntry {
  raw = EMPTY;
  readonly json = true;
  #text: string | undefined;
  #time: number | undefined | null = null;
  constructor(
    readonly source: string,
    readonly level: number,
  ) {}

  get text(): string {
    return (this.#text ??= splitLines(this.raw, 0, this.raw.length)[0]!);
  }

  get time(): number | undefined {
    if (this.#time === null) this.#time = jsonTime(this.text);
    return this.#time;
  }
}


/** A line the gate gave out, by where it is in the reader's buffer. */
export interface KeptLine {
  entry: { raw: Buffer };
  start: number;
  end: number;
}

/** Copies the lines [start, end) of the entries out of the reader's buffer (it is reused) into one new buffer: one allocation a chunk, not one a record. */
export function keepBytes(buffer: Buffer, kept: readonly KeptLine[]): void {
  const ends = kept.map(({ start, end }) => (buffer[end - 1] === CR ? end - 1 : end));
  const store = Buffer.allocUnsafeSlow(kept.reduce((sum, k, i) => sum + ends[i]! - k.start, 0));
  let at = 0;
  kept.forEach(({ entry, start }, i) => {
    const length = buffer.copy(store, at, start, ends[i]!);
    entry.raw = store.subarray(at, at + length);
    at += length;
  });
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Letters, digits, "_" and "-": a word JSON writes as is (no escape, nothing past ASCII). */
function isWordByte(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 45;
}

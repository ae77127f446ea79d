import { describe, expect, it } from 'vitest';
import type { Criteria, LogEntry } from '../../../src/logs/entry.js';
import { NOT_EXACT, rankOfLine } from '../../../src/logs/level-gate.js';
import { createMatcher, DEFAULT_CORRELATION_FIELDS } from '../../../src/logs/matcher.js';

const rank = (line: string, levels?: Map<string, number>) => rankOfLine(Buffer.from(line), 0, Buffer.byteLength(line), levels);
const criteria: Criteria = { minLevel: 50, correlationFields: DEFAULT_CORRELATION_FIELDS };

// Lines where a byte test could be fooled: nested levels, a level not first, an object left open, stacks under a head.
const LINES = [
  '{"level":30,"time":1705305600000,"msg":"a"}',
  '{"level":50,"time":1705305601000,"msg":"b"}',
  '{"lesson":{"level":60},"level":30,"time":1705305602000,"msg":"nested level"}',
  '{"level":"error","time":1705305603000,"msg":"word"}',
  '{"level":60,"time":1705305604000,"msg":"head of a stack"}',
  '    at handler (app.js:1:1)',
  '{"level":30,"msg":"left open",',
  '{"level":50,"msg":"inside the open record"}',
  '{"level":10,"msg":"inside it too"}',
  '  "end": true}',
  '{"level":50,"time":1705305605000,"msg":"caf\u00e9 \u2603"}\r',
  '{"level":40,"msg":"warn"}',
  'plain ERROR line',
  '',
  '{"level":50,"msg":"last"}',
];

function viaLines(lines: string[], parse: boolean): Partial<LogEntry>[] {
  const matcher = createMatcher(criteria, 'app.log', { parse });
  return [...matcher.push(lines.map((l) => l.replace(/\r$/, ''))), ...matcher.flush()].map(({ text, level, time }) => ({ text, level, time }));
}

/** The same lines as bytes, cut into chunks at every `every` lines (the reader hands whole lines only). */
function viaBytes(lines: string[], parse: boolean, every: number): Partial<LogEntry>[] {
  const matcher = createMatcher(criteria, 'app.log', { parse });
  const out: LogEntry[] = [];
  for (let i = 0; i < lines.length; i += every) {
    const buffer = Buffer.from(lines.slice(i, i + every).join('\n'));
    out.push(...matcher.pushBytes(buffer, 0, buffer.length));
  }
  return [...out, ...matcher.flush()].map(({ text, level, time }) => ({ text, level, time }));
}

describe('level gate', () => {
  it('reads the level only where it is the first key of a one-line object', () => {
    expect(rank('{"level":50,"msg":"x"}')).toBe(50);
    expect(rank('{"level":"WARN","msg":"x"}')).toBe(40);
    expect(rank('{"level":"SEVERE","msg":"x"}', new Map([['severe', 50]]))).toBe(50);
    expect(rank('{"level":"B2","msg":"x"}')).toBeUndefined();
    expect(rank('{"level":50}')).toBe(50);
    for (const line of ['{"msg":"x","level":50}', '{"level": 50,"msg":"x"}', '{"level":50.5,"msg":"x"}', '{"level":"er\\u0072or","msg":"x"}', '{"level":50,"msg":"x"', ' {"level":50}', '{"level":-1,"m":1}']) {
      expect(rank(line), line).toBe(NOT_EXACT);
    }
  });

  it('gives the same records from bytes as from decoded lines, wherever the chunks are cut', () => {
    for (const parse of [false, true]) {
      const expected = viaLines(LINES, parse);
      expect(expected.map((e) => e.text)).toEqual([LINES[1], LINES[3], `${LINES[4]}\n${LINES[5]}`, LINES[10]!.slice(0, -1), LINES[12], LINES[14]]);
      for (const every of [1, 2, 3, 5, LINES.length]) expect(viaBytes(LINES, parse, every), `parse ${parse}, every ${every}`).toEqual(expected);
    }
  });
});

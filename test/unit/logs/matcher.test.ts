import { describe, expect, it } from 'vitest';
import type { Criteria } from '../../../src/logs/entry.js';
import { createMatcher, DEFAULT_CORRELATION_FIELDS } from '../../../src/logs/matcher.js';

const criteria = (extra: Partial<Criteria> = {}): Criteria => ({ correlationFields: DEFAULT_CORRELATION_FIELDS, ...extra });
const T0 = Date.parse('2024-01-15T10:00:00Z');
const pino = (level: number, minutes: number, extra: Record<string, unknown> = {}) => JSON.stringify({ level, time: T0 + minutes * 60_000, msg: `m${minutes}`, ...extra });

function passing(c: Criteria, lines: string[]): string[] {
  const matcher = createMatcher(c, 'app.log');
  return lines.filter((line) => matcher.match(line));
}

describe('matcher', () => {
  it('--level keeps that level and above, in numbers and in words', () => {
    const lines = [pino(30, 0), pino(40, 1), pino(50, 2), '{"level":"ERROR","msg":"manual"}', '{"level":"INFO","msg":"manual"}', 'plain WARN line', 'plain line'];
    expect(passing(criteria({ minLevel: 40 }), lines)).toEqual([lines[1], lines[2], lines[3], lines[5]]);
  });

  it('gives the parsed record, its level and its time', () => {
    const entry = createMatcher(criteria(), 'app.log').match(pino(50, 3, { reqId: 'r1' }));
    expect(entry).toMatchObject({ source: 'app.log', level: 50, time: T0 + 180_000, record: { reqId: 'r1', msg: 'm3' } });
  });

  it('--json without filters to check leaves the record unparsed, with level and time read cheaply', () => {
    const matcher = createMatcher(criteria({ grep: /m3/ }), 'app.log', { parse: false });
    const entry = matcher.match(pino(40, 3));
    expect(entry).toMatchObject({ json: true, level: 40, time: T0 + 180_000 });
    expect(entry?.record).toBeUndefined();
    // A filter the cheap test could get wrong is checked on the parsed record.
    expect(createMatcher(criteria({ minLevel: 40 }), 'app.log', { parse: false }).match(pino(40, 3))?.record).toBeDefined();
  });

  it('--grep is a regular expression on the whole line', () => {
    const lines = ['authentication failed for bob', 'Authentication FAILED', pino(30, 0, { msg: 'authentication has failed' })];
    expect(passing(criteria({ grep: /authentication.*failed/ }), lines)).toEqual([lines[0], lines[2]]);
    expect(passing(criteria({ grep: /authentication.*failed/i }), lines)).toEqual(lines);
  });

  it('--correlation-id matches the usual fields exactly, not a mention in the message', () => {
    const lines = [
      pino(30, 0, { corr: { correlationId: 'abc-1' } }),
      pino(30, 1, { correlationId: 'abc-1' }),
      pino(30, 2, { requestId: 'abc-1' }),
      pino(30, 3, { reqId: 'abc-1' }),
      pino(30, 4, { reqId: 'abc-12' }),
      pino(30, 5, { msg: 'retrying abc-1' }),
      'plain line about abc-1',
    ];
    expect(passing(criteria({ correlationId: 'abc-1' }), lines)).toEqual([lines[0], lines[1], lines[2], lines[3], lines[6]]);
  });

  it('logs.correlationFields replaces the usual fields', () => {
    const lines = [pino(30, 0, { trace: { id: 't-9' } }), pino(30, 1, { reqId: 't-9' })];
    expect(passing(criteria({ correlationId: 't-9', correlationFields: ['trace.id'] }), lines)).toEqual([lines[0]]);
  });

  it('--since and --until keep the lines between, by the record\'s time or the line\'s leading time', () => {
    const lines = [pino(30, 0), pino(30, 10), pino(30, 20), '2024-01-15T10:15:00Z INFO plain', '2024-01-15T10:25:00Z INFO plain'];
    expect(passing(criteria({ since: T0 + 5 * 60_000, until: T0 + 20 * 60_000 }), lines)).toEqual([lines[1], lines[2], lines[3]]);
  });

  it('counts the lines --since leaves out for want of a time', () => {
    const matcher = createMatcher(criteria({ since: T0 }), 'out.log');
    for (const line of ['listening', 'ready', pino(30, 1)]) matcher.match(line);
    expect(matcher.untimed).toBe(2);
  });

  it('a stack trace under an error line takes its level and time', () => {
    const lines = ['2024-01-15T10:00:00Z ERROR request failed', '    at handler (app.js:10:5)', '\tat next (router.js:3:1)', '2024-01-15T10:00:01Z INFO fine', '    at nothing'];
    const matcher = createMatcher(criteria({ minLevel: 50, since: T0 }), 'app.log');
    const entries = lines.map((line) => matcher.match(line));
    expect(entries.map((e) => e?.text)).toEqual([lines[0], lines[1], lines[2], undefined, undefined]);
    expect(entries[1]).toMatchObject({ level: 50, time: T0 });
  });

  it('skips blank lines and treats text that is not JSON after all as plain', () => {
    const matcher = createMatcher(criteria(), 'x');
    expect(matcher.match('')).toBeUndefined();
    expect(matcher.match('   ')).toBeUndefined();
    const entry = matcher.match('{not json} ERROR');
    expect(entry?.level).toBe(50);
    expect(entry?.record).toBeUndefined();
  });

  it('uses the transport\'s time (docker) when the line has none of its own', () => {
    const entry = createMatcher(criteria({ since: T0 }), 'app-1').match('plain', T0 + 5);
    expect(entry).toMatchObject({ time: T0 + 5 });
  });
});

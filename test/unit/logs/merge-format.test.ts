import { describe, expect, it } from 'vitest';
import { formatHumanLine, formatJsonLine } from '../../../src/logs/format.js';
import type { LogEntry } from '../../../src/logs/entry.js';
import { lastOf, mergeByTime, reorder } from '../../../src/logs/merge.js';
import { createStyle, loadStyle } from '../../../src/output/style.js';

const entry = (source: string, time: number | undefined, text = `${source}@${time}`): LogEntry => ({ source, time, text });

async function* batches(...groups: LogEntry[][]): AsyncGenerator<LogEntry[]> {
  for (const group of groups) yield group;
}

async function all(input: AsyncIterable<LogEntry[]>): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of input) out.push(...batch.map((e) => e.text));
  return out;
}

describe('merging sources', () => {
  it('merges sources in time order; a line without time stays after the line before it', async () => {
    const a = batches([entry('a', 1), entry('a', 5)], [entry('a', undefined, 'a-stack'), entry('a', 9)]);
    const b = batches([entry('b', 2), entry('b', 6)], [entry('b', 7)]);
    expect(await all(mergeByTime([a, b]))).toEqual(['a@1', 'b@2', 'a@5', 'a-stack', 'b@6', 'b@7', 'a@9']);
  });

  it('ties go to the source listed first', async () => {
    expect(await all(mergeByTime([batches([entry('a', 1)]), batches([entry('b', 1)])]))).toEqual(['a@1', 'b@1']);
  });

  it('reorders containers printed one after the other, within a window', async () => {
    const input = batches([entry('c1', 1), entry('c1', 3), entry('c1', 5)], [entry('c2', 2), entry('c2', 4)]);
    expect(await all(reorder(input))).toEqual(['c1@1', 'c2@2', 'c1@3', 'c2@4', 'c1@5']);
    // A window of 2 holds only so much: memory stays flat, order is best effort.
    expect(await all(reorder(batches([entry('x', 3), entry('x', 2), entry('x', 1)]), 2))).toHaveLength(3);
  });

  it('lastOf keeps the last N', async () => {
    const many = Array.from({ length: 50 }, (_, i) => entry('a', i));
    expect((await lastOf(batches(many.slice(0, 20), many.slice(20)), 3)).map((e) => e.time)).toEqual([47, 48, 49]);
    expect(await lastOf(batches(many), 0)).toEqual([]);
  });

  it('lastOf keeps the -B records leading the first match it keeps, not other context', async () => {
    const context = (time: number, leads?: boolean) => ({ ...entry('a', time), context: true, leads });
    const input = [entry('a', 1), context(2), context(3, true), context(4, true), entry('a', 5), context(6), entry('a', 7)];
    expect((await lastOf(batches(input.slice(0, 3), input.slice(3)), 2)).map((e) => e.time)).toEqual([3, 4, 5, 6, 7]);
  });
});

describe('formatting', () => {
  const style = createStyle(false);
  const record = { level: 50, time: Date.parse('2024-01-15T10:00:00Z'), pid: 1, hostname: 'h', msg: 'request failed', reqId: 'r-1', req: { url: '/x' }, err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x.js:1:1' } };
  const json: LogEntry = { source: 'app.log', text: JSON.stringify(record), time: record.time, level: 50, json: true, record };

  it('--json prints a JSON record as written with its source added first, a plain line as an object', () => {
    expect(formatJsonLine({ ...json, text: `${json.text}  ` })).toBe(`{"opsctl.source":"app.log",${json.text.slice(1)}`);
    // Not parsed (--json without filters to check): still printed as written.
    expect(formatJsonLine({ source: 'app.log', text: '{"level":30,"msg":"x"}', json: true })).toBe('{"opsctl.source":"app.log","level":30,"msg":"x"}');
    expect(JSON.parse(formatJsonLine({ source: 'app.log', text: '{ }', json: true }))).toEqual({ 'opsctl.source': 'app.log' });
    // A record the app itself gave a "source": both stay, as the added field is dotted.
    expect(JSON.parse(formatJsonLine({ source: 'a.log', text: '{"source":"db"}', json: true }))).toEqual({ 'opsctl.source': 'a.log', source: 'db' });
    expect(JSON.parse(formatJsonLine({ source: 'out', text: 'ERROR x', level: 50, time: 0 }))).toEqual({ time: '1970-01-01T00:00:00.000Z', level: 'error', source: 'out', message: 'ERROR x', 'opsctl.source': 'out' });
    expect(JSON.parse(formatJsonLine({ source: 'out', text: 'hello' }))).toEqual({ source: 'out', message: 'hello', 'opsctl.source': 'out' });
  });

  it('readable: source, time, level, message, other fields; the stack under it', () => {
    expect(formatHumanLine(json, style)).toBe(
      'app.log 2024-01-15T10:00:00.000Z ERROR request failed reqId=r-1 req={"url":"/x"} err={"type":"Error","message":"boom"}\nError: boom\n    at x.js:1:1',
    );
    expect(formatHumanLine({ source: 'app-1', text: 'plain', time: 0 }, style)).toBe('app-1 1970-01-01T00:00:00.000Z plain');
    expect(formatHumanLine({ source: 'f', text: '2024-01-15T10:00:00Z ERROR x', time: 1 }, style)).toBe('f 2024-01-15T10:00:00Z ERROR x');
  });

  it('colours by level on a terminal', async () => {
    const colour = await loadStyle(true);
    expect(formatHumanLine(json, colour)).toContain(colour.red('ERROR'));
    expect(formatHumanLine({ source: 'f', text: 'WARN slow', level: 40 }, colour)).toContain(colour.yellow('WARN slow'));
  });
});

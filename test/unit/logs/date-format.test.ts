// pm2's log_date_format: the stamps are written by the real dayjs pm2 uses, then read back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDateFormat, type DateStamp } from '../../../src/logs/date-format.js';
import type { Criteria, LogEntry } from '../../../src/logs/entry.js';
import { fileSource } from '../../../src/logs/file-source.js';
import { createMatcher, DEFAULT_CORRELATION_FIELDS } from '../../../src/logs/matcher.js';
import type { SourceDeps } from '../../../src/logs/source.js';
import { stampClock } from '../../../src/logs/when.js';
import { untimedLogsNote } from '../../../src/targets/pm2/log-files.js';

// The dayjs pm2 itself loads (not a dependency of opsctl's own).
const fromPm2 = createRequire(createRequire(import.meta.url).resolve('pm2/package.json'));
const dayjs = fromPm2('dayjs') as (at: number) => { format(template: string): string };

const stampOf = (format: string): DateStamp => {
  const compiled = compileDateFormat(format);
  if (!('stamp' in compiled)) throw new Error(`unreadable: ${compiled.unreadable}`);
  return compiled.stamp;
};
// A local time with milliseconds, in the afternoon (12-hour formats), on a day and month under 10 (unpadded tokens).
const MOMENT = new Date(2026, 2, 7, 14, 5, 9, 42).getTime();
const written = (format: string, at = MOMENT) => `${dayjs(at).format(format)}: listening on 8080`;

describe('compileDateFormat reads back what dayjs wrote', () => {
  it.each([
    ['YYYY-MM-DDTHH:mm:ss', 0],
    ['DD/MM/YYYY HH:mm:ss', 0],
    ['YYYY-MM-DD HH:mm:ss.SSS', 42],
    ['D.M.YY H:m:s', 0],
    ['MM/DD/YYYY hh:mm:ss A', 0],
    ['M/D/YYYY h:mm:ss a', 0],
    ['[day] YYYY-MM-DD [at] HH:mm:ss', 0],
  ])('%s, local time as pm2 writes it', (format, ms) => {
    const line = written(format);
    expect(stampOf(format).read(line)).toEqual({ time: MOMENT - 42 + ms, length: line.length - 'listening on 8080'.length });
  });

  it.each(['YYYY-MM-DD HH:mm:ss Z', 'YYYY-MM-DDTHH:mm:ss.SSSZZ'])('%s: the offset written decides the moment', (format) => {
    const line = written(format);
    expect(stampOf(format).read(line)?.time).toBe(MOMENT - (format.includes('SSS') ? 0 : 42));
    const shifted = line.replace(/[+-]\d{2}:?\d{2}(?=: )/, (offset) => (offset.includes(':') ? '+05:30' : '+0530'));
    expect(stampOf(format).read(shifted)?.time).toBe(Date.UTC(2026, 2, 7, 14, 5, 9, format.includes('SSS') ? 42 : 0) - 330 * 60_000);
  });

  it('a line without the stamp, or with only part of it, has no time', () => {
    const stamp = stampOf('DD/MM/YYYY HH:mm:ss');
    expect(stamp.read('listening on 8080')).toBeUndefined();
    expect(stamp.read('07/03/2026 14:05 listening')).toBeUndefined();
    expect(stamp.read('2026-03-07T14:05:09: listening')).toBeUndefined();
  });

  it.each([
    ['DD MMM YYYY HH:mm', /MMM/],
    ['dddd YYYY-MM-DD', /dddd/],
    ['HH:mm:ss', /year, month and day/],
    ['YYYY-MM-DD hh:mm', /12-hour/],
  ])('%s cannot be read, and says why', (format, reason) => {
    const compiled = compileDateFormat(format);
    expect('unreadable' in compiled && compiled.unreadable).toMatch(reason);
  });

  it('status says when an app\'s log_date_format cannot be read; a readable one gets no note', () => {
    expect(untimedLogsNote([{ name: 'api', pm2_env: { log_date_format: 'DD MMM YYYY' } }], 'api')).toMatch(/log_date_format "DD MMM YYYY".*MMM.*--since/);
    expect(untimedLogsNote([{ name: 'api', pm2_env: { log_date_format: 'DD/MM/YYYY HH:mm:ss' } }], 'api')).toBeUndefined();
  });
});

const criteria = (extra: Partial<Criteria> = {}): Criteria => ({ correlationFields: DEFAULT_CORRELATION_FIELDS, ...extra });
const FORMAT = 'DD/MM/YYYY HH:mm:ss';
const at = (seconds: number) => MOMENT - 42 + seconds * 1000;
const LINES = [
  `${dayjs(at(0)).format(FORMAT)}: starting`,
  `${dayjs(at(10)).format(FORMAT)}: Error: boom`,
  `${dayjs(at(10)).format(FORMAT)}:     at f (a.js:1:1)`,
  `${dayjs(at(20)).format(FORMAT)}: WARN slow`,
  `${dayjs(at(30)).format(FORMAT)}: done`,
];

describe('a source with a log_date_format', () => {
  it('the matcher takes each line\'s time, level and stack from behind the stamp', () => {
    const matcher = createMatcher(criteria({ since: at(10), minLevel: 40 }), 'api#0/err');
    matcher.useClock(stampClock(stampOf(FORMAT)));
    const entries = [...matcher.push(LINES), ...matcher.flush()];
    expect(entries.map((e) => [e.text, e.time, e.level])).toEqual([
      [LINES.slice(1, 3).join('\n'), at(10), 50],
      [LINES[3], at(20), 40],
    ]);
  });

  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-date-format-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const read = async (options: { dateFormat?: string }, since: number | undefined, warnings: string[] = [], tail?: number) => {
    const file = path.join(dir, 'api-out.log');
    writeFileSync(file, `${LINES.join('\n')}\n`);
    const extra = criteria({ since });
    const deps = { criteria: extra, matcherFor: (label: string) => createMatcher(extra, label), warn: (m: string) => warnings.push(m), unread: () => {}, debug: () => {} } as unknown as SourceDeps;
    const entries: LogEntry[] = [];
    for await (const batch of fileSource(file, 'api/out', deps, options).history({ follow: false, tail })) entries.push(...batch);
    return entries.map((e) => e.text.split('\n').map((line) => line.slice(21)).join('\n'));
  };

  it('--since reads the file from the first line at or after it', async () => {
    expect(await read({ dateFormat: FORMAT }, at(15))).toEqual(['WARN slow', 'done']);
    expect(await read({ dateFormat: FORMAT }, at(5))).toEqual(['Error: boom\n    at f (a.js:1:1)', 'WARN slow', 'done']);
  });

  it('-n reads backwards from the end, aligned on the stamped heads: a stamped stack line is not a record', async () => {
    expect(await read({ dateFormat: FORMAT }, undefined, [], 3)).toEqual(['Error: boom\n    at f (a.js:1:1)', 'WARN slow', 'done']);
  });

  it('a format opsctl cannot read: said once, and --since leaves the untimed lines out', async () => {
    const warnings: string[] = [];
    expect(await read({ dateFormat: 'DD MMM YYYY HH:mm:ss' }, at(15), warnings)).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^pm2 stamps api's log lines with log_date_format "DD MMM YYYY HH:mm:ss", and it has MMM/)]);
  });
});

import { describe, expect, it } from 'vitest';
import { levelName, levelRank, plainLevel } from '../../../src/logs/levels.js';
import { jsonLevel, jsonTime, looksLikeJson, valueAt } from '../../../src/logs/line.js';
import { leadingTime, parseWhen, timeValue } from '../../../src/logs/when.js';

describe('levels in either notation', () => {
  it('maps pino numbers and level names onto one scale', () => {
    expect([10, 20, 30, 40, 50, 60].map(levelRank)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(['trace', 'DEBUG', 'Info', 'WARN', 'warning', 'ERROR', 'err', 'fatal', 'critical', 'panic'].map(levelRank)).toEqual([10, 20, 30, 40, 40, 50, 50, 60, 60, 60]);
    expect(levelRank('50')).toBe(50);
    expect(levelRank('loud')).toBeUndefined();
    expect(levelRank('')).toBeUndefined();
  });

  it('names a rank by the level at or below it', () => {
    expect([10, 30, 35, 50, 60, 70].map(levelName)).toEqual(['trace', 'info', 'info', 'error', 'fatal', 'fatal']);
  });

  it('reads the level word of a plain-text line: capitals, level=, [warn], or a node crash', () => {
    expect(plainLevel('2024-01-15 10:00:00 ERROR database down')).toBe(50);
    expect(plainLevel('[WARN] slow query')).toBe(40);
    expect(plainLevel('ts=1 level=warn msg="disk"')).toBe(40);
    expect(plainLevel('[error] upstream timed out')).toBe(50);
    expect(plainLevel('TypeError: x is not a function')).toBe(50);
    expect(plainLevel('no error here, all fine')).toBeUndefined();
    expect(plainLevel('INFORMATION only')).toBeUndefined();
  });
});

describe('cheap tests on a JSON line', () => {
  const pino = '{"level":50,"time":1705312800000,"pid":1,"msg":"boom"}';
  const manual = '{"level":"ERROR","time":"2024-01-15T10:00:00.000Z","corr":{"correlationId":"c-1"},"msg":"x"}';

  it('read level and time without parsing, in pino and the manuals\' notation', () => {
    expect(looksLikeJson(pino)).toBe(true);
    expect(looksLikeJson('  {"a":1}')).toBe(true);
    expect(looksLikeJson('plain {json}')).toBe(false);
    expect(jsonLevel(pino)).toBe(50);
    expect(jsonLevel(manual)).toBe(50);
    expect(jsonLevel('{"severity":"WARNING"}')).toBe(40);
    expect(jsonLevel('{"msg":"no level"}')).toBeUndefined();
    expect(jsonTime(pino)).toBe(1705312800000);
    expect(jsonTime(manual)).toBe(Date.parse('2024-01-15T10:00:00.000Z'));
    expect(jsonTime('{"ts":1705312800.5}')).toBe(1705312800500);
  });

  it('does not take an escaped "level" inside a message for the level', () => {
    expect(jsonLevel('{"msg":"said \\"level\\":60","level":30}')).toBe(30);
  });

  it('reads dotted paths, and keys that contain a dot', () => {
    expect(valueAt({ corr: { correlationId: 'c-1' } }, 'corr.correlationId')).toBe('c-1');
    expect(valueAt({ 'corr.correlationId': 'flat' }, 'corr.correlationId')).toBe('flat');
    expect(valueAt({ corr: 'x' }, 'corr.correlationId')).toBeUndefined();
  });
});

describe('times', () => {
  const now = Date.parse('2024-01-15T12:00:00Z');

  it('--since and --until take a duration back from now or a time', () => {
    expect(parseWhen('30m', now)).toBe(now - 30 * 60_000);
    expect(parseWhen('24h', now)).toBe(now - 24 * 3_600_000);
    expect(parseWhen('2024-01-15T10:00:00Z', now)).toBe(Date.parse('2024-01-15T10:00:00Z'));
    expect(parseWhen('2024-01-15', now)).toBe(new Date(2024, 0, 15).getTime());
    expect(parseWhen('yesterday', now)).toBeUndefined();
  });

  it('record times in ms, seconds or ISO', () => {
    expect(timeValue(1705312800000)).toBe(1705312800000);
    expect(timeValue(1705312800)).toBe(1705312800000);
    expect(timeValue('1705312800000')).toBe(1705312800000);
    expect(timeValue('2024-01-15T10:00:00Z')).toBe(Date.parse('2024-01-15T10:00:00Z'));
    expect(timeValue('soon')).toBeUndefined();
  });

  it('the time a plain line starts with, in the usual forms', () => {
    expect(leadingTime('2024-01-15T10:00:00.123Z ERROR x')).toBe(Date.parse('2024-01-15T10:00:00.123Z'));
    expect(leadingTime('2024-01-15 10:00:00,250 INFO x')).toBe(Date.parse('2024-01-15T10:00:00.250'));
    expect(leadingTime('[2024-01-15T10:00:00+01:00] x')).toBe(Date.parse('2024-01-15T09:00:00Z'));
    // pm2 with `time: true` writes "YYYY-MM-DDTHH:mm:ss: " in local time.
    expect(leadingTime('2024-01-15T10:00:00: listening')).toBe(Date.parse('2024-01-15T10:00:00'));
    expect(leadingTime('listening on 8080')).toBeUndefined();
  });
});

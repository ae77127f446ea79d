import { describe, expect, it } from 'vitest';
import { jsonLevel, jsonTime } from '../../../src/logs/line.js';
import type { Criteria } from '../../../src/logs/entry.js';
import { createMatcher, DEFAULT_CORRELATION_FIELDS } from '../../../src/logs/matcher.js';
import { levelMap, levelRank } from '../../../src/logs/levels.js';
import { untimedLogsNote } from '../../../src/targets/pm2/log-files.js';

const criteria = (extra: Partial<Criteria> = {}): Criteria => ({ correlationFields: DEFAULT_CORRELATION_FIELDS, ...extra });
const texts = (c: Criteria, lines: string[]) => {
  const matcher = createMatcher(c, 'f');
  return [...matcher.push(lines), ...matcher.flush()].map((e) => e.text);
};

describe('a record\'s own level and time', () => {
  it('reads top-level keys only: winston metadata with its own level or time is not the record\'s', () => {
    const line = '{"db":{"time":1732},"lesson":{"level":"B2"},"level":"error","message":"x","note":"\\"level\\":\\"debug\\"","timestamp":"2024-01-15T08:00:00.000Z"}';
    expect(jsonLevel(line)).toBe(50);
    expect(jsonTime(line)).toBe(Date.parse('2024-01-15T08:00:00.000Z'));
    expect(jsonLevel('{"meta":{"level":"error"},"msg":"no level of its own"}')).toBeUndefined();
  });

  it('ranks winston\'s http and verbose above debug, syslog\'s notice above info; logs.levels maps a house style', () => {
    expect(['silly', 'debug', 'verbose', 'http', 'info', 'notice', 'warn'].map(levelRank)).toEqual([10, 20, 24, 27, 30, 35, 40]);
    const { map, unknown } = levelMap({ SEVERE: 'error', AUDIT: 35, LOUD: 'shouting' });
    expect(unknown).toEqual(['LOUD']);
    expect(jsonLevel('{"level":"SEVERE"}', map)).toBe(50);
  });
});

describe('records over several lines', () => {
  it('log4js: util.inspect\'s closing brace at column 0 stays with its error', () => {
    const lines = ['[2024-01-15T08:00:00.148] [ERROR] api - failed [req-1] Error: boom', '    at f (a.js:1:1) {', "  code: 'E_DB'", '}', '[2024-01-15T08:00:00.185] [INFO] api - ok'];
    expect(texts(criteria({ minLevel: 40 }), lines)).toEqual([lines.slice(0, 4).join('\n')]);
    expect(texts(criteria({ correlationId: 'req-1' }), lines)).toEqual([lines.slice(0, 4).join('\n')]);
  });

  it('pm2 --time stamps every line: its stack lines still belong to the error', () => {
    const lines = ['2024-01-15T08:00:00: Error: boom', '2024-01-15T08:00:00:     at f (a.js:1:1)', '2024-01-15T08:00:01: listening'];
    expect(texts(criteria({ minLevel: 40 }), lines)).toEqual([lines.slice(0, 2).join('\n')]);
  });

  it('pretty-printed JSON is one record', () => {
    const lines = ['{', '  "level": 50,', '  "msg": "x"', '}', '{"level":30}'];
    const matcher = createMatcher(criteria({ minLevel: 50 }), 'f');
    expect([...matcher.push(lines), ...matcher.flush()]).toMatchObject([{ level: 50, json: true, record: { msg: 'x' } }]);
  });

  it('pino-http req.id and a W3C traceparent are correlation ids', () => {
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const lines = [`{"level":30,"req":{"id":7,"headers":{"traceparent":"00-${trace}-00f067aa0ba902b7-01"}}}`, '{"level":30,"req":{"id":8}}'];
    expect(texts(criteria({ correlationId: '7' }), lines)).toEqual([lines[0]]);
    expect(texts(criteria({ correlationId: trace }), lines)).toEqual([lines[0]]);
  });
});

describe('pm2 without timestamps', () => {
  it('status says so, unless --time or log_date_format is set', () => {
    expect(untimedLogsNote([{ name: 'api', pm2_env: {} }], 'api')).toMatch(/without timestamps/);
    expect(untimedLogsNote([{ name: 'api', pm2_env: { log_date_format: 'YYYY-MM-DDTHH:mm:ss' } }], 'api')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { validateCronExpression } from '../../../src/schedule/cron-expression.js';
import { cronExpression, parseTrigger, simplifyCron } from '../../../src/schedule/trigger.js';

const cronFor = (options: Parameters<typeof parseTrigger>[0]) => cronExpression(parseTrigger(options));
const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError');
};

describe('--daily', () => {
  it('maps HH:MM (one or two hour digits) to minute and hour', () => {
    expect(cronFor({ daily: '02:00' })).toBe('0 2 * * *');
    expect(cronFor({ daily: '2:05' })).toBe('5 2 * * *');
    expect(cronFor({ daily: '23:59' })).toBe('59 23 * * *');
  });
  it.each(['24:00', '2:60', '2', '2am', '02:0', '', '1:2:3'])('refuses %j', (value) => {
    expect(usage(() => parseTrigger({ daily: value }))).toContain('is not a time of day');
  });
});

describe('--every', () => {
  it.each([
    ['1m', '* * * * *'],
    ['15m', '*/15 * * * *'],
    ['30m', '*/30 * * * *'],
    ['60m', '0 * * * *'],
    ['1h', '0 * * * *'],
    ['6h', '0 */6 * * *'],
    ['12h', '0 */12 * * *'],
    ['24h', '0 0 * * *'],
    ['1d', '0 0 * * *'],
    ['1w', '0 0 * * 0'],
    ['120s', '*/2 * * * *'],
  ])('%s -> %s', (every, expected) => expect(cronFor({ every })).toBe(expected));

  it.each([
    ['7m', '7 does not divide 60'],
    ['90m', 'not a whole number of hours'],
    ['5h', '5 hours does not divide 24'],
    ['2d', 'every few days'],
    ['30s', 'cron runs at most once a minute'],
    ['soon', 'is not a duration'],
    ['0m', 'is not a duration'],
  ])('refuses %s saying why (%s)', (every, why) => expect(usage(() => parseTrigger({ every }))).toContain(why));
});

describe('one schedule option', () => {
  it('refuses none and several', () => {
    expect(usage(() => parseTrigger({}))).toBe('No schedule given.');
    expect(usage(() => parseTrigger({ daily: '02:00', every: '1h' }))).toBe('--daily and --every cannot be used together.');
  });
});

describe('--cron', () => {
  it.each(['0 2 * * *', '*/15 * * * *', '30 3 * * 1-5', '0 0 1,15 * *', '0 4 * jan-mar sun', '5-55/10 * * * 7', '@daily'])('accepts %j', (expr) => {
    expect(validateCronExpression(expr)).toBe(expr);
  });
  it('normalises the spacing', () => expect(cronFor({ cron: '  0   2 * * * ' })).toBe('0 2 * * *'));
  it.each([
    ['0 2 * *', 'has 4 fields, not 5'],
    ['0 2 * * * *', 'has 6 fields, not 5'],
    ['60 2 * * *', 'the minute field "60" must be 0-59'],
    ['0 24 * * *', 'the hour field "24" must be 0-23'],
    ['0 2 0 * *', 'the day of month field "0" must be 1-31'],
    ['0 2 * 13 *', 'the month field "13" must be 1-12 or a name'],
    ['0 2 * * 8', 'the day of week field "8" must be 0-7 or a name'],
    ['*/0 * * * *', 'has a step of 0'],
    ['0 5-1 * * *', 'runs backwards'],
    ['0 2 * * mon,', 'is not a value, range or step'],
    ['@reboot', 'has 1 field, not 5'],
  ])('refuses %j: %s', (expr, why) => expect(usage(() => validateCronExpression(expr))).toContain(why));
});

describe('simplifyCron (for Task Scheduler)', () => {
  it('recognises the shapes schtasks has', () => {
    expect(simplifyCron('30 2 * * *')).toEqual({ kind: 'daily', hour: 2, minute: 30 });
    expect(simplifyCron('*/15 * * * *')).toEqual({ kind: 'minutes', every: 15 });
    expect(simplifyCron('0 */6 * * *')).toEqual({ kind: 'hours', every: 6 });
    expect(simplifyCron('0 3 * * sun')).toEqual({ kind: 'weekly', day: 0, hour: 3, minute: 0 });
    expect(simplifyCron('0 3 * * 7')).toEqual({ kind: 'weekly', day: 0, hour: 3, minute: 0 });
  });
  it('leaves what has no equivalent', () => {
    expect(simplifyCron('0 3 1 * *')).toBeUndefined();
    expect(simplifyCron('0 3 * * 1-5')).toBeUndefined();
    expect(simplifyCron('*/7 * * * *')).toBeUndefined();
  });
});

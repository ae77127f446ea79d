import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1.5h', 5_400_000],
    ['168h', 604_800_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    [' 10m ', 600_000],
  ])('%s -> %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', '5 m', 'm5', '-5s', '5sec', '1e3ms'])('%j is not a duration', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('formatDuration', () => {
  it.each([
    [420, '420ms'],
    [1_500, '1.5s'],
    [45_000, '45s'],
    [90_000, '1m 30s'],
    [600_000, '10m'],
    [3_600_000, '1h'],
    [5_400_000, '1h 30m'],
    [47 * 3_600_000, '47h'],
    [3 * 86_400_000, '3d'],
  ])('%i ms -> %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

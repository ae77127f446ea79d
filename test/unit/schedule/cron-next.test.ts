import { describe, expect, it } from 'vitest';
import { nextFire } from '../../../src/schedule/cron-next.js';

const at = (text: string) => new Date(text).getTime();
const local = (ms: number | undefined) => {
  const d = new Date(ms!);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

describe('nextFire', () => {
  it('finds the next minute strictly after the moment, in local time', () => {
    expect(local(nextFire('0 2 * * *', at('2026-03-10T01:59:30')))).toBe('2026-03-10 02:00');
    expect(local(nextFire('0 2 * * *', at('2026-03-10T02:00:00')))).toBe('2026-03-11 02:00');
    expect(local(nextFire('*/15 * * * *', at('2026-03-10T10:07:00')))).toBe('2026-03-10 10:15');
    expect(local(nextFire('* * * * *', at('2026-03-10T10:07:10')))).toBe('2026-03-10 10:08');
  });

  it('reads names, ranges, steps, 7 as Sunday, macros, and the either-day rule', () => {
    expect(local(nextFire('30 4 * * mon-fri', at('2026-03-14T12:00:00')))).toBe('2026-03-16 04:30');
    expect(local(nextFire('0 0 * * 7', at('2026-03-10T00:00:00')))).toBe('2026-03-15 00:00');
    expect(local(nextFire('@monthly', at('2026-03-10T00:00:00')))).toBe('2026-04-01 00:00');
    expect(local(nextFire('0 0 1 * 1', at('2026-03-10T12:00:00')))).toBe('2026-03-16 00:00');
    expect(local(nextFire('0 3 1-7/3 jun *', at('2026-03-10T12:00:00')))).toBe('2026-06-01 03:00');
  });

  it('gives undefined for what never fires or is not a time', () => {
    expect(nextFire('0 0 30 2 *', at('2026-03-10T00:00:00'))).toBeUndefined();
    expect(nextFire('@reboot', at('2026-03-10T00:00:00'))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { columnsOf, fitColumns } from '../../../src/output/fit.js';

const head = ['probe', 'state', 'details'];
const rows = [['api', 'healthy', 'x'.repeat(120)], ['disk:/var/backups', 'degraded', 'short']];

describe('fitColumns', () => {
  it('leaves a table that fits (or output without a width) alone', () => {
    expect(fitColumns(head, [['a', 'b', 'c']], 80)).toEqual({ keep: [0, 1, 2] });
    expect(fitColumns(head, rows, undefined)).toEqual({ keep: [0, 1, 2] });
  });
  it('the widest column gives way so the row is exactly as wide as the terminal', () => {
    const { keep, widths } = fitColumns(head, rows, 80);
    expect(keep).toEqual([0, 1, 2]);
    expect(widths!.reduce((a, b) => a + b, 0) + keep.length + 1).toBe(80);
    expect(widths!.slice(0, 2)).toEqual([17 + 2, 8 + 2]);
  });
  it('drops the rightmost columns when even narrow ones cannot fit, keeping the first', () => {
    expect(fitColumns(['a', 'b', 'c', 'd'], [['x'.repeat(30), 'y'.repeat(30), 'z'.repeat(30), 'w'.repeat(30)]], 60).keep).toEqual([0, 1, 2]);
  });
  it('COLUMNS wins over the terminal; a pipe has no width', () => {
    expect(columnsOf({ COLUMNS: '80' }, { isTTY: true, columns: 200 })).toBe(80);
    expect(columnsOf({}, { isTTY: true, columns: 132 })).toBe(132);
    expect(columnsOf({}, { isTTY: false })).toBeUndefined();
  });
});

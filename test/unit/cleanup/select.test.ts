import { describe, expect, it } from 'vitest';
import { pickTempFiles } from '../../../src/cleanup/temp-select.js';
import { parseKinds } from '../../../src/cleanup/plan.js';

const NOW = Date.parse('2026-11-23T00:00:00Z');
const DAY = 86_400_000;
const MB = 1024 * 1024;
const file = (name: string, days: number, mb: number) => ({ path: `/t/${name}`, bytes: mb * MB, mtimeMs: NOW - days * DAY, dev: 1, ino: 1 });

describe('pickTempFiles', () => {
  it('takes files older than maxAgeDays, oldest first', () => {
    const picked = pickTempFiles([file('a', 1, 1), file('b', 9, 1), file('c', 30, 1)], { maxAgeDays: 7 }, NOW);
    expect(picked.map((p) => [p.file.path, p.why])).toEqual([
      ['/t/c', '30 days old (maxAgeDays 7)'],
      ['/t/b', '9 days old (maxAgeDays 7)'],
    ]);
  });

  it('then the oldest of the rest until the folder is under maxSizeMB', () => {
    const picked = pickTempFiles([file('new', 0, 200), file('mid', 2, 200), file('old', 3, 200), file('ancient', 10, 50)], { maxAgeDays: 7, maxSizeMB: 300 }, NOW);
    expect(picked.map((p) => p.file.path)).toEqual(['/t/ancient', '/t/old', '/t/mid']);
    expect(picked[1]!.why).toBe('oldest while the folder is over maxSizeMB 300 (600 MB)');
  });

  it('a folder under budget with young files keeps everything', () => {
    expect(pickTempFiles([file('a', 1, 100)], { maxAgeDays: 7, maxSizeMB: 500 }, NOW)).toEqual([]);
  });
});

describe('parseKinds', () => {
  it('every kind by default, the listed ones in a fixed order, and a usage error for others', () => {
    expect(parseKinds(undefined)).toEqual(['docker', 'temp', 'backups', 'pm2-logs', 'releases']);
    expect(parseKinds('pm2-logs, temp')).toEqual(['temp', 'pm2-logs']);
    expect(() => parseKinds('temp,images')).toThrow('Unknown cleanup kind "images".');
  });
});

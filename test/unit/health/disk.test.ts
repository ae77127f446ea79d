import { statfsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDisk, nearestExisting, readDiskSpace } from '../../../src/health/disk.js';
import { probeDisk } from '../../../src/health/host.js';
import { tempDir } from '../helpers.js';

describe('health/disk: one statfs for doctor, deploy\'s preflight and health-check (the real filesystem of a temp folder)', () => {
  it('measures a folder that does not exist yet on its nearest existing parent', async () => {
    const dir = tempDir();
    const missing = path.join(dir, 'backups', 'not-yet');
    expect(await nearestExisting(missing)).toBe(dir);
    const space = (await readDiskSpace(missing))!;
    const real = statfsSync(dir);
    expect(space).toMatchObject({ measuredAt: dir, blockSize: real.bsize, blocks: real.blocks });
  });

  it('checkDisk reports the available share of the same filesystem, at the folder asked for', async () => {
    const dir = path.join(tempDir(), 'releases');
    const check = await checkDisk('release folders', dir);
    expect(check).toMatchObject({ name: 'release folders', kind: 'disk', required: true });
    expect(['ok', 'warn', 'fail']).toContain(check.status);
    expect(check.detail).toMatch(new RegExp(` free \\(\\d+%\\) at ${dir.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}$`));
  });

  it('probeDisk counts like df on the same numbers, and says where it measured', async () => {
    const dir = tempDir();
    const probe = await probeDisk('data', path.join(dir, 'later'), { warn: 101, crit: 102 });
    expect(probe).toMatchObject({ kind: 'disk', state: 'healthy', unit: '%', details: { measuredAt: dir } });
    expect(probe.value).toBeGreaterThanOrEqual(0);
    expect(probe.value).toBeLessThanOrEqual(100);
  });
});

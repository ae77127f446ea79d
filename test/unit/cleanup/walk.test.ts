import { lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMountInfo } from '../../../src/cleanup/mount-points.js';
import { displayPath, isInsideRaw, rawKey } from '../../../src/cleanup/raw-path.js';
import { walkTemp } from '../../../src/cleanup/temp-walk.js';

const b = (s: string) => Buffer.from(s);

describe('displayPath', () => {
  it('shows UTF-8 as it is and every other byte, or control character, as \\xNN', () => {
    expect(displayPath(b('/srv/tmp/café ü.txt'))).toBe('/srv/tmp/café ü.txt');
    expect(displayPath(Buffer.concat([b('/t/caf'), Buffer.from([0xe9]), b('.txt')]))).toBe('/t/caf\\xe9.txt');
    expect(displayPath(Buffer.concat([b('/t/'), Buffer.from([0xc3]), b('x'), Buffer.from([0xff, 0xfe])]))).toBe('/t/\\xc3x\\xff\\xfe');
    expect(displayPath(b('/t/two\nlines\t'))).toBe('/t/two\\x0alines\\x09');
  });
});

describe('isInsideRaw', () => {
  it('is true for the root and below it, never for a sibling sharing its prefix', () => {
    // With this platform's separator (\ on Windows), as the walk gives them.
    const p = (s: string) => b(path.normalize(s));
    expect(isInsideRaw(p('/srv/tmp'), p('/srv/tmp'))).toBe(true);
    expect(isInsideRaw(p('/srv/tmp'), p('/srv/tmp/a/b'))).toBe(true);
    expect(isInsideRaw(p('/srv/tmp'), p('/srv/tmp2/a'))).toBe(false);
    expect(isInsideRaw(p('/srv/tmp'), p('/srv'))).toBe(false);
  });
});

describe('parseMountInfo', () => {
  it('takes the mount point of each line and undoes the kernel\'s octal escapes', () => {
    const text = b(['22 26 0:21 / /sys rw,relatime - sysfs sysfs rw', '310 29 259:1 /srv/outside /srv/app/tmp/with\\040space rw,relatime shared:1 - ext4 /dev/nvme0n1p1 rw', ''].join('\n'));
    expect(parseMountInfo(text).map(String)).toEqual(['/sys', '/srv/app/tmp/with space']);
  });
});

describe('walkTemp', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function rootOf(root: string) {
    const st = lstatSync(root);
    return { raw: b(root), name: b(path.basename(root)), dev: st.dev, ino: st.ino };
  }

  it('does not enter a mount point the table names, even on the same device (a bind mount)', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-walk-'));
    writeFileSync(path.join(dir, 'old.txt'), 'x');
    mkdirSync(path.join(dir, 'bound'));
    writeFileSync(path.join(dir, 'bound', 'precious'), 'x');
    const walk = await walkTemp(rootOf(dir), new Set([rawKey(b(path.join(dir, 'bound')))]));
    expect(walk.files.map((f) => f.path)).toEqual([path.join(dir, 'old.txt')]);
    expect(walk.otherFilesystems).toEqual([path.join(dir, 'bound')]);
  });
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireTool } from '../../support/real-tools.js';
import { setRemoveSeamForTests } from '../../../src/cleanup/pinned-remove.js';
import { removeTreePinned } from '../../../src/cleanup/pinned-tree.js';
import { caught } from '../helpers.js';

// Links to folders and files: Wine cannot make them (gate `links`); real Windows and Linux run these.
const links = requireTool('links');

describe('removeTreePinned (backup sets): rm -r that stays inside its folder', () => {
  let dir = '';
  let container = '';
  let outside = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-tree-'));
    container = path.join(dir, 'backups');
    outside = path.join(dir, 'outside');
    mkdirSync(path.join(container, 'set', 'a', 'b'), { recursive: true });
    writeFileSync(path.join(container, 'set', 'manifest.json'), '{}');
    writeFileSync(path.join(container, 'set', 'a', 'b', 'dump.gz'), 'x');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'precious'), 'x');
  });
  afterEach(() => {
    setRemoveSeamForTests({});
    rmSync(dir, { recursive: true, force: true });
  });

  it('renames the set out of sight, then removes it all; a link inside goes as a link, its target stays', async () => {
    symlinkSync(outside, path.join(container, 'set', 'a', 'to-outside'));
    await removeTreePinned(container, 'set', 'deleting-set');
    expect(readdirSync(container)).toEqual([]);
    expect(readdirSync(outside)).toEqual(['precious']);
  });

  it.skipIf(!links)('a folder inside swapped for a link to outside while the set goes: refused, the outside files stay', async () => {
    writeFileSync(path.join(outside, 'dump.gz'), 'x');
    setRemoveSeamForTests({
      hook: (stage, target) => {
        if (stage !== 'before-pin' || !target.endsWith('dump.gz') || existsSync(path.join(container, 'set', 'a', 'b.real'))) return;
        renameSync(path.join(container, 'set', 'a', 'b'), path.join(container, 'set', 'a', 'b.real'));
        symlinkSync(outside, path.join(container, 'set', 'a', 'b'));
      },
    });
    const error = (await caught(removeTreePinned(container, 'set'))) as Error;
    expect(error.message).toMatch(/set\/a\/b\/dump\.gz: its folder .*set\/a\/b was replaced since it was planned .*: refused\./);
    expect(readdirSync(outside).sort()).toEqual(['dump.gz', 'precious']);
  });

  it.skipIf(!links)('a set that is a link now is left alone, and so is what it points to', async () => {
    rmSync(path.join(container, 'set'), { recursive: true });
    symlinkSync(outside, path.join(container, 'set'));
    const error = (await caught(removeTreePinned(container, 'set', 'deleting-set'))) as Error;
    expect(error.message).toMatch(/set is not a folder \(a link or a file now\): left alone\./);
    expect(readdirSync(outside)).toEqual(['precious']);
  });
});

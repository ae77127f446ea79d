import { existsSync, renameSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireTool } from '../../support/real-tools.js';
import { setRemoveSeamForTests, type RaceStage } from '../../../src/cleanup/pinned-remove.js';
import { run } from '../../../src/commands/cleanup.js';
import { createTestContext } from '../../support/context.js';
import { aged, NOW, TEMP_CONFIG } from './temp-fixture.js';

// Links to folders and files: Wine cannot make them (gate `links`); real Windows and Linux run these.
const links = requireTool('links');

/** tmp/d/f.txt is old and planned; at `stage` the folder is moved aside and tmp/d becomes a link to an outside folder holding its own f.txt. */
async function raceAt(stage: RaceStage, pin: 'descriptor' | 'cwd') {
  const t = createTestContext({ config: TEMP_CONFIG, now: () => NOW, assumeYes: true });
  const tmp = path.join(t.dir, 'tmp');
  const outside = path.join(t.dir, 'outside');
  aged(path.join(tmp, 'd', 'f.txt'), 10);
  aged(path.join(outside, 'f.txt'), 10);
  const cwd = process.cwd();
  setRemoveSeamForTests({
    pin,
    hook: (at) => {
      if (at !== stage || existsSync(path.join(tmp, 'd.real'))) return;
      renameSync(path.join(tmp, 'd'), path.join(tmp, 'd.real'));
      symlinkSync(outside, path.join(tmp, 'd'));
    },
  });
  const result = await run(t.ctx, {}, []);
  expect(process.cwd()).toBe(cwd);
  return { ...result, tmp, outside };
}

describe.skipIf(!links).each(['descriptor', 'cwd'] as const)('cleanup temp while a folder is swapped for a link to outside (pinned by %s)', (pin) => {
  afterEach(() => setRemoveSeamForTests({}));

  it('swapped after the last check, just before the unlink: the planned file goes from where it really is; the outside file stays', async () => {
    const { data, exitCode, tmp, outside } = await raceAt('before-remove', pin);
    expect(existsSync(path.join(outside, 'f.txt'))).toBe(true);
    expect(existsSync(path.join(tmp, 'd.real', 'f.txt'))).toBe(false);
    expect(data.removed.map((r) => r.what)).toEqual([path.join(tmp, 'd', 'f.txt')]);
    expect(exitCode).toBe(0);
  });

  it('swapped before the folder is pinned: refused and reported as failed (exit 1); both files stay', async () => {
    const { data, exitCode, tmp, outside } = await raceAt('before-pin', pin);
    expect(existsSync(path.join(outside, 'f.txt'))).toBe(true);
    expect(existsSync(path.join(tmp, 'd.real', 'f.txt'))).toBe(true);
    expect(data.removed).toEqual([]);
    expect(data.failed).toEqual([{ kind: 'temp', what: path.join(tmp, 'd', 'f.txt'), error: expect.stringMatching(/its folder .*tmp\/d was replaced since it was planned .*: refused\./) }]);
    expect(exitCode).toBe(1);
  });
});

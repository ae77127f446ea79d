import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../src/process/alive.js';
import { ownStartTime, processStartTime } from '../../../src/process/start-time.js';

describe('processStartTime', () => {
  it('is the same for a process each time it is asked, and differs between processes (Windows: pid only, none)', async () => {
    const own = await processStartTime(process.pid);
    if (process.platform === 'win32') {
      expect(own).toBeUndefined();
      return;
    }
    expect(own).toEqual(expect.any(String));
    expect(await processStartTime(process.pid)).toBe(own);
    expect(await ownStartTime()).toBe(own);
    // ps tells start times to the second: the child starts over a second after this process.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const theirs = await processStartTime(child.pid!);
      expect(theirs).toEqual(expect.any(String));
      expect(theirs).not.toBe(own);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  it('is undefined for a process that is gone, and for a pid that cannot be one', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    expect(await processStartTime(gone)).toBeUndefined();
    expect(await processStartTime(0)).toBeUndefined();
    expect(await processStartTime(-1)).toBeUndefined();
  });

  it('is undefined on Windows, where a holder is known by pid only', async () => {
    expect(await processStartTime(process.pid, 'win32')).toBeUndefined();
  });
});

describe('isProcessAlive', () => {
  it('is true for this process and false for one that exited or a pid that cannot be one', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(spawnSync(process.execPath, ['-e', '0']).pid!)).toBe(false);
    expect(isProcessAlive(0)).toBe(false);
    expect(isProcessAlive(Number.NaN)).toBe(false);
  });
});

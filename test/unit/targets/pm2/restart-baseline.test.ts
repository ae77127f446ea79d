import { describe, expect, it } from 'vitest';
import type { Pm2Process } from '../../../../src/targets/pm2/parse.js';
import { carryBaseline, restartsSince, takeBaseline } from '../../../../src/targets/pm2/restart-baseline.js';

const proc = (pm_id: number, restart_time: number, release = 'aaa'): Pm2Process => ({ name: 'api', pm_id, pid: 100 + pm_id, pm2_env: { status: 'online', restart_time, env: { OPSCTL_RELEASE: release } } });

describe('pm2 restarts since the switch', () => {
  const baseline = takeBaseline('aaa', 42, [proc(0, 5), proc(1, 7)]);

  it('takes each pm_id\'s count at the switch and counts from it', () => {
    expect(baseline).toEqual({ release: 'aaa', daemon: 42, restarts: { '0': 5, '1': 7 } });
    expect(restartsSince(proc(0, 5), baseline, 42)).toEqual({ restarts: 0, since: 'release' });
    expect(restartsSince(proc(1, 8), baseline, 42)).toEqual({ restarts: 1, since: 'release' });
  });

  it('a pm_id made after the switch (pm2 scale) counts from 0', () => {
    expect(restartsSince(proc(2, 1), baseline, 42)).toEqual({ restarts: 1, since: 'release' });
  });

  it('is the lifetime count, said so, without a baseline, under another daemon or on another release', () => {
    expect(restartsSince(proc(0, 9), undefined, 42)).toEqual({ restarts: 9, since: 'lifetime' });
    expect(restartsSince(proc(0, 9), baseline, 43)).toEqual({ restarts: 9, since: 'lifetime' });
    expect(restartsSince(proc(0, 9, 'bbb'), baseline, 42)).toEqual({ restarts: 9, since: 'lifetime' });
  });

  it('moves the restarts opsctl made itself into the baseline and keeps the crashes before them', () => {
    // Instance 0 crashed twice (5 -> 7), then opsctl restart reloaded both (+1 each).
    const carried = carryBaseline(baseline, [proc(0, 7), proc(1, 7)], [proc(0, 8), proc(1, 8)]);
    expect(carried.restarts).toEqual({ '0': 6, '1': 8 });
    expect(restartsSince(proc(0, 8), carried, 42)).toEqual({ restarts: 2, since: 'release' });
  });
});

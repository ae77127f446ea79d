import { describe, expect, it } from 'vitest';
import { HOST_DEFAULTS, judgeLoad } from '../../../src/health/host.js';

describe('the host load probe', () => {
  it('a busy shared 2-core box at load 3 to 4 stays healthy by default', () => {
    expect(judgeLoad([4, 4, 3.5], 2, HOST_DEFAULTS.load).state).toBe('healthy');
    expect(judgeLoad([3, 3, 3], 2, HOST_DEFAULTS.load).state).toBe('healthy');
  });

  it('a burst in the last 5 minutes is not sustained load: the 15-minute average decides', () => {
    expect(judgeLoad([9, 7, 2], 2, HOST_DEFAULTS.load)).toMatchObject({ state: 'healthy', value: 1 });
  });

  it('sustained load above 2 per core only degrades by default, however high', () => {
    const judged = judgeLoad([20, 18, 16], 2, HOST_DEFAULTS.load);
    expect(judged).toMatchObject({ state: 'degraded', value: 8 });
    expect(judged.reason).toContain('(warning above 2 per core)');
  });

  it('a configured crit still makes it unhealthy', () => {
    expect(judgeLoad([20, 18, 16], 2, { warn: 1, crit: 4 }).state).toBe('unhealthy');
  });
});

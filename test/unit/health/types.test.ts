import { describe, expect, it } from 'vitest';
import { byThreshold, exitCodeFor, worst } from '../../../src/health/types.js';

describe('byThreshold', () => {
  it('is degraded strictly above warn and unhealthy strictly above crit', () => {
    expect(byThreshold(75, 75, 85)).toBe('healthy');
    expect(byThreshold(75.1, 75, 85)).toBe('degraded');
    expect(byThreshold(85, 75, 85)).toBe('degraded');
    expect(byThreshold(85.1, 75, 85)).toBe('unhealthy');
  });

  it('a missing threshold never fires', () => {
    expect(byThreshold(10_000, undefined, undefined)).toBe('healthy');
    expect(byThreshold(10_000, 100, undefined)).toBe('degraded');
    expect(byThreshold(10_000, undefined, 100)).toBe('unhealthy');
  });

  it('warn 0 flags any use at all; 0 itself is healthy', () => {
    expect(byThreshold(0.1, 0, 100)).toBe('degraded');
    expect(byThreshold(0, 0, 0)).toBe('healthy');
  });
});

describe('worst', () => {
  it('orders healthy < degraded < unknown < unhealthy, and nothing at all is healthy', () => {
    expect(worst([])).toBe('healthy');
    expect(worst(['healthy', 'degraded', 'healthy'])).toBe('degraded');
    expect(worst(['degraded', 'unknown'])).toBe('unknown');
    expect(worst(['unhealthy', 'unknown', 'degraded'])).toBe('unhealthy');
  });
});

describe('exitCodeFor', () => {
  it('follows the CLI contract: 0 healthy, 3 degraded, 1 unhealthy, 127 unknown (client tool missing)', () => {
    expect(exitCodeFor('healthy')).toBe(0);
    expect(exitCodeFor('degraded')).toBe(3);
    expect(exitCodeFor('unhealthy')).toBe(1);
    expect(exitCodeFor('unknown')).toBe(127);
  });
});

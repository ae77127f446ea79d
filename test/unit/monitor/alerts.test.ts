import { describe, expect, it } from 'vitest';
import { alertText, describeEvent } from '../../../src/monitor/alerts.js';
import type { AlertEvent } from '../../../src/monitor/state.js';

const MINUTE = 60_000;
const down: AlertEvent = { kind: 'down', probe: 'api', from: 'healthy', to: 'unhealthy', reason: 'HTTP 503, expected 2xx' };

describe('describeEvent and alertText', () => {
  it('one line per kind of event, with how long the problem lasted where it matters', () => {
    expect(describeEvent(down)).toBe('🔴 DOWN api: HTTP 503, expected 2xx');
    expect(describeEvent({ kind: 'degraded', probe: 'api', from: 'healthy', to: 'degraded', reason: 'slow: 900 ms (warning above 500 ms)' })).toBe(
      '🟡 DEGRADED api: slow: 900 ms (warning above 500 ms)',
    );
    expect(describeEvent({ kind: 'recovered', probe: 'api', from: 'unhealthy', to: 'healthy', reason: 'HTTP 200 in 5 ms', lastedMs: 12 * MINUTE + 30_000 })).toBe(
      '✅ RECOVERED api after 12m 30s',
    );
    expect(describeEvent({ kind: 'still-down', probe: 'db', from: 'unhealthy', to: 'unhealthy', reason: 'connection refused', lastedMs: 2 * 60 * MINUTE })).toBe(
      '🔴 STILL DOWN db for 2h: connection refused',
    );
    expect(describeEvent({ ...down, from: 'degraded', lastedMs: 3 * MINUTE })).toBe('🔴 DOWN api: HTTP 503, expected 2xx (was degraded for 3m)');
  });

  it('a problem shorter than a second reads as 1s, never as 0s or in ms', () => {
    expect(describeEvent({ kind: 'recovered', probe: 'api', from: 'unhealthy', to: 'healthy', reason: 'ok', lastedMs: 300 })).toBe('✅ RECOVERED api after 1.0s');
  });

  it('one event: one line prefixed with app and environment', () => {
    expect(alertText('shop', 'production', [down])).toBe('[shop production] 🔴 DOWN api: HTTP 503, expected 2xx');
  });

  it('several events of one round: one message, a count, then one line each', () => {
    const text = alertText('shop', 'production', [down, { kind: 'recovered', probe: 'db', from: 'unhealthy', to: 'healthy', reason: 'ok', lastedMs: 5 * MINUTE }]);
    expect(text).toBe('[shop production] 2 changes\n🔴 DOWN api: HTTP 503, expected 2xx\n✅ RECOVERED db after 5m');
  });
});

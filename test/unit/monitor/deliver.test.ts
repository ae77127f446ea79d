import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../src/alerts/channels.js';
import { deliver } from '../../../src/monitor/deliver.js';
import type { AlertEvent } from '../../../src/monitor/state.js';

const DOWN: AlertEvent = { kind: 'down', probe: 'api', from: 'healthy', to: 'unhealthy', reason: 'HTTP 503, expected 2xx' };

function channel(key: string, works: boolean, seen: string[]): Channel {
  return { key, send: async (text) => (seen.push(text), works ? { delivered: true, attempts: 1 } : { delivered: false, attempts: 3, error: 'ECONNREFUSED' }) };
}

function deps(warnings: string[]) {
  return { app: 'shop', environment: 'prod', now: () => 0, signal: new AbortController().signal, notice: () => undefined, warn: (m: string) => warnings.push(m) };
}

describe('deliver', () => {
  it('sends to every channel; a dead one is a warning and keeps its texts for the next round, the others are not resent', async () => {
    const chat: string[] = [];
    const mail: string[] = [];
    const warnings: string[] = [];
    const first = await deliver(deps(warnings), [channel('alerts.discord', true, chat), channel('alerts.command', false, mail)], [DOWN], {});
    expect(first.alert).toMatchObject({ delivered: false, error: 'ECONNREFUSED' });
    expect(first.pending).toEqual({ 'alerts.command': ['[shop prod] 🔴 DOWN api: HTTP 503, expected 2xx'] });
    expect(warnings).toEqual(['alert not delivered to alerts.command after 3 attempts (ECONNREFUSED); it is sent again with the next round, and monitoring goes on.']);

    const second = await deliver(deps([]), [channel('alerts.discord', true, chat), channel('alerts.command', true, mail)], [], first.pending);
    expect(second).toEqual({ pending: {} });
    expect(chat).toHaveLength(1);
    expect(mail[1]).toBe('[shop prod] 🔴 DOWN api: HTTP 503, expected 2xx\n(1 earlier alert could not be delivered when it was raised)');
  });

  it('no channel: printed only (delivered null)', async () => {
    expect((await deliver(deps([]), [], [DOWN], {})).alert).toMatchObject({ delivered: null });
  });
});

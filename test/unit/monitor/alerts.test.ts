import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { alertText, describeEvent } from '../../../src/monitor/alerts.js';
import type { AlertEvent } from '../../../src/monitor/state.js';
import { postAlert } from '../../../src/monitor/webhook.js';
import { deadUrl, startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

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

describe('postAlert against a local receiver', () => {
  const TOKEN = 'xoxb-unit-token-4242';
  const open: { close(): Promise<void> }[] = [];
  const signal = new AbortController().signal;
  afterEach(async () => {
    for (const server of open.splice(0)) await server.close();
  });

  async function receiver(): Promise<WebhookReceiver> {
    const server = await startWebhookReceiver();
    open.push(server);
    return server;
  }

  it('delivers {"text": ...} as JSON at the first attempt on 200', async () => {
    const hooks = await receiver();
    const delivery = await postAlert(hooks.url(`/services/${TOKEN}`), 'hello 🔴', { signal });
    expect(delivery).toEqual({ delivered: true, attempts: 1 });
    const [request] = hooks.requests();
    expect(request).toMatchObject({ method: 'POST', path: `/services/${TOKEN}`, body: { text: 'hello 🔴' } });
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/^opsctl\//);
  });

  it('retries 5xx with the given backoff, then gives up without the URL in the error', async () => {
    const hooks = await receiver();
    hooks.failNext(10, 500);
    const delivery = await postAlert(hooks.url(`/services/${TOKEN}`), 'x', { signal, backoffMs: [100, 300] });
    expect(delivery).toEqual({ delivered: false, attempts: 3, error: 'HTTP 500' });
    const times = hooks.requests().map((r) => r.at);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(90);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(290);
  });

  it('delivered at a later attempt when the receiver comes back', async () => {
    const hooks = await receiver();
    hooks.failNext(1, 503);
    expect(await postAlert(hooks.url(), 'x', { signal, backoffMs: [10, 10] })).toEqual({ delivered: true, attempts: 2 });
    expect(hooks.alerts()).toEqual(['x']);
  });

  it('does not retry a 4xx (wrong URL, revoked token), but does retry 429', async () => {
    const hooks = await receiver();
    hooks.failNext(10, 404);
    expect(await postAlert(hooks.url(), 'x', { signal, backoffMs: [10, 10] })).toEqual({ delivered: false, attempts: 1, error: 'HTTP 404' });
    expect(hooks.requests()).toHaveLength(1);
    const limited = await receiver();
    limited.failNext(2, 429);
    expect(await postAlert(limited.url(), 'x', { signal, backoffMs: [10, 10] })).toEqual({ delivered: true, attempts: 3 });
  });

  it('a closed port is retried and reported by its code, never by the URL', async () => {
    const url = await deadUrl(`/services/${TOKEN}`);
    const delivery = await postAlert(url, 'x', { signal, backoffMs: [10, 10] });
    expect(delivery).toEqual({ delivered: false, attempts: 3, error: 'ECONNREFUSED' });
  });

  it('a receiver that does not answer in time: "no answer in time"', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => (silent.closeAllConnections(), silent.close(() => resolve()))) });
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/services/${TOKEN}`;
    const delivery = await postAlert(url, 'x', { signal, backoffMs: [10], timeoutMs: 200 });
    expect(delivery).toEqual({ delivered: false, attempts: 2, error: 'no answer in time' });
  });

  it('an abort during the backoff stops at once as "interrupted"', async () => {
    const hooks = await receiver();
    hooks.failNext(10, 500);
    const controller = new AbortController();
    const started = Date.now();
    const pending = postAlert(hooks.url(), 'x', { signal: controller.signal, backoffMs: [5000, 5000] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    expect(await pending).toEqual({ delivered: false, attempts: 1, error: 'interrupted' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hooks.requests()).toHaveLength(1);
  });

  it('credentials in the webhook URL travel as basic auth, so the alert is delivered and nothing quotes the URL', async () => {
    const hooks = await receiver();
    const url = hooks.url(`/services/${TOKEN}`).replace('http://', 'http://bot:s3cret-pw@');
    const delivery = await postAlert(url, 'x', { signal, backoffMs: [10, 10] });
    expect(delivery).toEqual({ delivered: true, attempts: 1 });
  });

  it('a URL fetch cannot use says so without quoting it', async () => {
    const delivery = await postAlert(`ftp://hooks.example/${TOKEN}`, 'x', { signal, backoffMs: [10, 10] });
    expect(delivery.delivered).toBe(false);
    expect(delivery.error).not.toContain(TOKEN);
  });
});

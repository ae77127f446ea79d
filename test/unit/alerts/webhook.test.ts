import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postAlert, postThrough } from '../../../src/alerts/webhook.js';
import { createEffects } from '../../../src/process/effects.js';
import { deadUrl, startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

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

  it('through the effects: --dry-run posts nothing and names only scheme and host; otherwise it posts', async () => {
    const hooks = await receiver();
    const url = hooks.url(`/services/${TOKEN}`);
    const planned: string[] = [];
    const dry = createEffects({ dryRun: true, log: (line) => planned.push(line) });
    expect(await postThrough(dry, 'the alert', 'alerts.webhook', url, 'x', { signal })).toBeUndefined();
    expect(hooks.requests()).toEqual([]);
    expect(planned).toEqual([`would post the alert to alerts.webhook (${new URL(url).protocol}//${new URL(url).host}/***)`]);
    const real = createEffects({ dryRun: false, log: (line) => planned.push(line) });
    expect(await postThrough(real, 'the alert', 'alerts.webhook', url, 'x', { signal })).toEqual({ delivered: true, attempts: 1 });
    expect(hooks.requests()).toHaveLength(1);
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

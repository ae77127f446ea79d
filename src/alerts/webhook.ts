import { withDeadline } from '../process/deadline.js';
import { delay } from '../process/delay.js';
import type { Effects } from '../process/effects.js';
import { VERSION } from '../version.js';

export interface DeliveryOptions {
  signal: AbortSignal;
  /** Waits before the 2nd, 3rd, ... attempt. */
  backoffMs?: readonly number[];
  timeoutMs?: number;
}

export interface Delivery {
  delivered: boolean;
  attempts: number;
  /** Why the last attempt failed; never holds the URL (its path is the secret). */
  error?: string;
}

const DEFAULT_BACKOFF_MS = [1000, 3000];

/** Posts `{"text": ...}` (Slack, Mattermost, Teams workflows, Discord's /slack endpoint), retrying with backoff. Never throws for a dead webhook. */
export function postAlert(url: string, text: string, options: DeliveryOptions): Promise<Delivery> {
  return postJson(url, { text }, options);
}

/** Posts one JSON document (the shape a chat service wants), retrying with backoff. Never throws for a dead endpoint. */
export async function postJson(url: string, payload: unknown, options: DeliveryOptions): Promise<Delivery> {
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  let error = '';
  for (let attempt = 1; attempt <= backoff.length + 1; attempt += 1) {
    if (attempt > 1) {
      const waited = await delay(backoff[attempt - 2]!, options.signal);
      if (!waited) return { delivered: false, attempts: attempt - 1, error: 'interrupted' };
    }
    try {
      const { target, authorization } = splitCredentials(url);
      const response = await withDeadline(options.timeoutMs ?? 10_000, async (deadline) => {
        const answer = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': `opsctl/${VERSION}`, ...(authorization ? { authorization } : {}) },
          body: JSON.stringify(payload),
          signal: AbortSignal.any([options.signal, deadline]),
        });
        await answer.body?.cancel();
        return answer;
      });
      if (response.ok) return { delivered: true, attempts: attempt };
      error = `HTTP ${response.status}`;
      // A 4xx other than 429 will not get better by retrying (wrong URL, revoked token).
      if (response.status < 500 && response.status !== 429) return { delivered: false, attempts: attempt, error };
    } catch (failure) {
      if (options.signal.aborted) return { delivered: false, attempts: attempt, error: 'interrupted' };
      error = describe(failure);
    }
  }
  return { delivered: false, attempts: backoff.length + 1, error };
}

/**
 * postAlert as an effect: under --dry-run it is only shown as `would post <what> to <key> (<scheme://host/***>)`
 * and gives undefined. `key` names the setting the URL came from (alerts.webhook, backup.ping).
 */
export async function postThrough(effects: Effects, what: string, key: string, url: string, text: string, options: DeliveryOptions): Promise<Delivery | undefined> {
  return postPayloadThrough(effects, what, key, url, { text }, options);
}

/** postJson as an effect, as postThrough. */
export async function postPayloadThrough(effects: Effects, what: string, key: string, url: string, payload: unknown, options: DeliveryOptions): Promise<Delivery | undefined> {
  let delivery: Delivery | undefined;
  await effects.apply({
    kind: 'other',
    what: `post ${what} to ${key} (${withoutPath(url)})`,
    run: async () => {
      delivery = await postJson(url, payload, options);
    },
  });
  return delivery;
}

/** Scheme and host only: a webhook's path (and any user:password) is its secret. */
function withoutPath(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/***`;
  } catch {
    return 'a URL that does not parse';
  }
}

/** fetch refuses a URL with user:password in it: they travel as basic auth instead. */
function splitCredentials(url: string): { target: string; authorization?: string } {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return { target: url };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { target: parsed.toString(), authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** Why a delivery failed, in words that never quote the URL (its path is the secret). */
function describe(failure: unknown): string {
  const err = failure as Error & { cause?: { code?: string } };
  if (err.name === 'TimeoutError') return 'no answer in time';
  if (err.cause?.code) return err.cause.code;
  return err instanceof TypeError ? 'the request could not be made (check the URL)' : err.name;
}

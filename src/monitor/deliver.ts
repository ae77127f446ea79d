import type { Channel } from '../alerts/channels.js';
import { plural } from '../output/table.js';
import { alertText, describeEvent } from './alerts.js';
import type { AlertEvent } from './state.js';

export interface SentAlert {
  at: string;
  text: string;
  events: AlertEvent[];
  /** Every channel took it (true), one did not (false), or none was asked (null: no channel, --dry-run). */
  delivered: boolean | null;
  error?: string;
}

export interface DeliverDeps {
  app: string;
  environment: string;
  now: () => number;
  signal: AbortSignal;
  notice(message: string): void;
  warn(message: string): void;
}

/** Texts kept per channel for the next round: the latest 20. */
const MAX_UNDELIVERED = 20;

/**
 * This round's events as one alert to every channel, each preceded by what that channel did not take
 * before. A dead channel costs a warning, never the round; what it missed is returned to be offered again.
 */
export async function deliver(deps: DeliverDeps, channels: readonly Channel[], events: readonly AlertEvent[], earlier: Record<string, string[]>): Promise<{ alert?: SentAlert; pending: Record<string, string[]> }> {
  const text = events.length > 0 ? alertText(deps.app, deps.environment, events) : undefined;
  const at = new Date(deps.now()).toISOString();
  // Alerts are shown even with --quiet: they are what a monitor is for.
  for (const event of events) deps.notice(`ALERT ${describeEvent(event)}`);
  const pending: Record<string, string[]> = {};
  const failures: { key: string; error: string }[] = [];
  let asked = false;
  for (const channel of channels) {
    const before = earlier[channel.key] ?? [];
    const texts = [...before, ...(text ? [text] : [])];
    if (texts.length === 0) continue;
    const body = before.length > 0 ? `${texts.join('\n')}\n(${plural(before.length, 'earlier alert')} could not be delivered when ${before.length === 1 ? 'it was' : 'they were'} raised)` : texts[0]!;
    // A new alert gets the retries with backoff; alerts only carried over get one attempt per round.
    const delivery = await channel.send(body, { signal: deps.signal, ...(text ? {} : { backoffMs: [] }) });
    if (!delivery) continue;
    asked = true;
    if (delivery.delivered) continue;
    pending[channel.key] = texts.slice(-MAX_UNDELIVERED);
    failures.push({ key: channel.key, error: delivery.error ?? 'unknown error' });
    if (delivery.error !== 'interrupted') {
      deps.warn(`alert not delivered to ${channel.key} after ${plural(delivery.attempts, 'attempt')} (${delivery.error}); it is sent again with the next round, and monitoring goes on.`);
    }
  }
  if (!text) return { pending };
  const delivered = !asked ? null : failures.length === 0;
  const error = failures.length === 1 ? failures[0]!.error : failures.map((f) => `${f.key}: ${f.error}`).join('; ');
  return { alert: { at, text, events: [...events], delivered, ...(failures.length > 0 ? { error } : {}) }, pending };
}

import { requireResolved } from '../config/interpolate.js';
import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { postThrough, type Delivery } from '../alerts/webhook.js';
import { registerSecret } from '../process/redact.js';

export type PingEvent = 'start' | 'success' | 'fail';

/**
 * healthchecks.io-style: `<url>/start`, `<url>`, `<url>/fail`. A dead ping endpoint is a warning,
 * never the end of a backup. The URL is a secret (its token lets anyone report).
 */
export async function ping(ctx: Context, env: SelectedEnvironment, event: PingEvent, text: string): Promise<Delivery | undefined> {
  const configured = env.config.backup?.ping;
  if (!configured) return undefined;
  const resolved = resolveOrWarn(ctx, configured, 'backup.ping', env);
  if (!resolved) return undefined;
  const base = resolved.replace(/\/+$/, '');
  registerSecret(base);
  const url = event === 'success' ? base : `${base}/${event}`;
  const delivery = await postThrough(ctx.effects, `the ${event} ping`, 'backup.ping', url, text, { signal: signalFor(ctx), backoffMs: [1000] });
  if (delivery && !delivery.delivered) ctx.log.warn(`backup.ping (${event}) not delivered: ${delivery.error ?? 'unknown error'}`);
  return delivery;
}

/** The failure alert to alerts.webhook, as monitor sends its own. */
export async function alertFailure(ctx: Context, env: SelectedEnvironment, what: string, message: string): Promise<Delivery | undefined> {
  const configured = env.config.alerts?.webhook;
  if (!configured) return undefined;
  const url = resolveOrWarn(ctx, configured, 'alerts.webhook', env);
  if (!url) return undefined;
  registerSecret(url);
  const text = `[${env.app} ${env.name}] 🔴 ${what} failed: ${message}`;
  const delivery = await postThrough(ctx.effects, 'the failure alert', 'alerts.webhook', url, text, { signal: signalFor(ctx), backoffMs: [1000, 3000] });
  if (delivery && !delivery.delivered) ctx.log.warn(`alerts.webhook not delivered: ${delivery.error ?? 'unknown error'}`);
  return delivery;
}

/** After Ctrl-C the command's own signal is aborted: the last word still gets a few seconds. */
function signalFor(ctx: Context): AbortSignal {
  return ctx.signal.aborted ? AbortSignal.timeout(3000) : ctx.signal;
}

/** An unset ${VAR} in the URL is a warning here: it must not hide the backup's own outcome. */
function resolveOrWarn(ctx: Context, value: string, key: string, env: SelectedEnvironment): string | undefined {
  try {
    return requireResolved(value, key, env.envFile);
  } catch (error) {
    ctx.log.warn((error as Error).message);
    return undefined;
  }
}

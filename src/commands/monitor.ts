import { durationOption, formatDuration } from '../config/duration.js';
import { requireResolved } from '../config/interpolate.js';
import type { SelectedEnvironment } from '../config/select.js';
import type { CommandResult, Context } from '../context.js';
import { UsageError } from '../errors.js';
import { planProbes, probeNames, runProbes } from '../health/check.js';
import { parseList } from '../health/only.js';
import { renderProbes } from '../health/render.js';
import { exitCodeFor, type HealthReport } from '../health/types.js';
import { alertText, describeEvent } from '../monitor/alerts.js';
import { evaluate, loadState, saveState, statePath, type AlertEvent, type MonitorState } from '../monitor/state.js';
import { postThrough } from '../alerts/webhook.js';
import { delay } from '../process/delay.js';
import { paintState, type Style } from '../output/style.js';
import { plural } from '../output/table.js';

export interface MonitorOptions {
  interval?: string;
  once?: boolean;
  only?: string;
  reminder?: string;
}

export interface SentAlert {
  at: string;
  text: string;
  events: AlertEvent[];
  delivered: boolean | null;
  error?: string;
}

export interface MonitorData {
  environment: string;
  rounds: number;
  state: HealthReport['state'] | null;
  /** The last round's report. */
  last: HealthReport | null;
  alerts: SentAlert[];
  stateFile: string;
}

const DEFAULT_INTERVAL = '60s';
const MAX_UNDELIVERED = 20;

export async function run(ctx: Context, options: MonitorOptions): Promise<CommandResult<MonitorData>> {
  const env = ctx.environment();
  const intervalMs = durationOption('--interval', options.interval ?? DEFAULT_INTERVAL);
  const reminder = options.reminder ?? env.config.alerts?.reminder;
  const reminderMs = reminder === undefined ? undefined : durationOption('--reminder', reminder);
  const probes = planProbes(env, { runner: ctx.runner, now: ctx.now }, parseList(options.only));
  const configured = probeNames(env);
  if (probes.length === 0) throw new UsageError(`Environment ${env.name} has no probes.`, 'Add health.endpoints or health.databases to opsctl.yaml.');
  const webhook = webhookOf(ctx, env);
  const file = statePath(env.stateDir, env.name);
  const loaded = await loadState(file, env.name);
  if (loaded.problem) ctx.log.warn(loaded.problem);
  let memory: MonitorState | undefined = loaded.state;

  const data: MonitorData = { environment: env.name, rounds: 0, state: null, last: null, alerts: [], stateFile: file };
  if (!options.once) ctx.log.info(`Monitoring ${env.name}: ${plural(probes.length, 'probe')} every ${formatDuration(intervalMs)}${webhook ? ', alerts to alerts.webhook' : ''}. Ctrl-C stops.`);
  for (;;) {
    const started = ctx.now();
    let report: HealthReport;
    try {
      report = await runProbes(env.name, probes, { signal: ctx.signal, now: ctx.now });
    } catch (error) {
      // Ctrl-C or SIGTERM between or during rounds is how a monitor is stopped: not a failure.
      if (ctx.signal.aborted && !options.once) break;
      throw error;
    }
    data.rounds += 1;
    data.last = report;
    data.state = report.state;
    const { next, events } = evaluate(memory, report, ctx.now(), reminderMs, configured);
    if (!options.once) ctx.log.info(roundLine(ctx, report));
    if (events.length > 0 || next.undelivered?.length) {
      const sent = await sendAlert(ctx, env, webhook, events, next.undelivered ?? []);
      if (sent.alert) data.alerts.push(sent.alert);
      // Not taken by the webhook: kept (the latest 20) and offered again with the next round.
      if (sent.delivered === false) next.undelivered = sent.texts.slice(-MAX_UNDELIVERED);
      else delete next.undelivered;
    }
    memory = next;
    await saveState(ctx.effects, file, next);
    if (options.once) break;
    const waited = await delay(Math.max(0, intervalMs - (ctx.now() - started)), ctx.signal);
    if (!waited) break;
  }
  if (!options.once) ctx.log.info(`Monitor stopped after ${plural(data.rounds, 'round')}; ${plural(data.alerts.length, 'alert')}.`);
  return { data, exitCode: options.once && data.last ? exitCodeFor(data.last.state) : 0 };
}

/** The webhook URL, or undefined (alerts then only printed): said once at start, not per alert. */
function webhookOf(ctx: Context, env: SelectedEnvironment): string | undefined {
  const configured = env.config.alerts?.webhook;
  if (!configured) {
    ctx.log.warn('alerts.webhook is not set: alerts are printed only.');
    return undefined;
  }
  return requireResolved(configured, 'alerts.webhook', env.envFile);
}

interface Sending {
  alert?: SentAlert;
  /** Every text offered to the webhook this time: earlier undelivered ones, then this round's. */
  texts: string[];
  delivered: boolean | null;
}

async function sendAlert(ctx: Context, env: SelectedEnvironment, webhook: string | undefined, events: AlertEvent[], earlier: readonly string[]): Promise<Sending> {
  const text = events.length > 0 ? alertText(env.app, env.name, events) : undefined;
  const texts = [...earlier, ...(text ? [text] : [])];
  const at = new Date(ctx.now()).toISOString();
  // Alerts are shown even with --quiet: they are what a monitor is for.
  for (const event of events) ctx.log.notice(`ALERT ${describeEvent(event)}`);
  const record = (delivered: boolean | null, error?: string): Sending => ({
    ...(text ? { alert: { at, text, events, delivered, ...(error ? { error } : {}) } } : {}),
    texts,
    delivered,
  });
  if (!webhook) return record(null);
  const body = earlier.length > 0 ? `${texts.join('\n')}\n(${plural(earlier.length, 'earlier alert')} could not be delivered when ${earlier.length === 1 ? 'it was' : 'they were'} raised)` : texts[0]!;
  // A new alert gets the retries with backoff; alerts only carried over get one attempt per round.
  const delivery = await postThrough(ctx.effects, 'the alert', 'alerts.webhook', webhook, body, { signal: ctx.signal, ...(text ? {} : { backoffMs: [] }) });
  // --dry-run: shown, not posted; delivered stays unknown (null).
  if (!delivery) return record(null);
  if (!delivery.delivered && delivery.error !== 'interrupted') {
    ctx.log.warn(`alert not delivered to alerts.webhook after ${delivery.attempts} attempts (${delivery.error}); it is sent again with the next round, and monitoring goes on.`);
  }
  return record(delivery.delivered, delivery.error);
}

function roundLine(ctx: Context, report: HealthReport): string {
  const bad = report.probes.filter((p) => p.state !== 'healthy').map((p) => `${p.name} ${p.state}`);
  const time = ctx.interactive ? `${new Date(ctx.now()).toLocaleTimeString()} ` : '';
  return `${time}${report.state}: ${plural(report.probes.length, 'probe')} in ${report.durationMs} ms${bad.length > 0 ? ` (${bad.join(', ')})` : ''}`;
}

export function render(data: MonitorData, style: Style): string {
  const parts: string[] = [];
  if (data.last) parts.push(renderProbes(data.last.probes, style));
  for (const alert of data.alerts) {
    const delivery = alert.delivered === null ? 'printed only' : alert.delivered ? 'sent' : `not delivered: ${alert.error ?? 'unknown error'}`;
    parts.push(`${alert.text} ${style.dim(`(${delivery})`)}`);
  }
  const state = data.state ? paintState(style, data.state) : style.dim('no round completed');
  parts.push(`${style.bold(data.environment)}: ${state} ${style.dim(`(${plural(data.rounds, 'round')}, ${plural(data.alerts.length, 'alert')})`)}`);
  return parts.join('\n\n');
}

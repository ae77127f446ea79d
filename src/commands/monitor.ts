import { durationOption, formatDuration } from '../config/duration.js';
import type { CommandResult, Context } from '../context.js';
import { UsageError } from '../errors.js';
import { runProbes } from '../health/check.js';
import { parseList } from '../health/only.js';
import { renderProbes } from '../health/render.js';
import { exitCodeFor, type HealthReport } from '../health/types.js';
import { alertChannels } from '../alerts/channels.js';
import { deliver, type SentAlert } from '../monitor/deliver.js';
import { planMonitor } from '../monitor/watches.js';
import { evaluate, loadState, pendingOf, saveState, setPending, statePath, type MonitorState } from '../monitor/state.js';
import { delay } from '../process/delay.js';
import { paintState, type Style } from '../output/style.js';
import { plural } from '../output/table.js';

export interface MonitorOptions {
  interval?: string;
  once?: boolean;
  only?: string;
  reminder?: string;
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

export async function run(ctx: Context, options: MonitorOptions): Promise<CommandResult<MonitorData>> {
  const env = ctx.environment();
  const intervalMs = durationOption('--interval', options.interval ?? DEFAULT_INTERVAL);
  const reminder = options.reminder ?? env.config.alerts?.reminder;
  const reminderMs = reminder === undefined ? undefined : durationOption('--reminder', reminder);
  const file = statePath(env.stateDir, env.name);
  const loaded = await loadState(file, env.name);
  if (loaded.problem) ctx.log.warn(loaded.problem);
  let memory: MonitorState | undefined = loaded.state;
  const only = parseList(options.only);
  const seen = { ...memory?.schedulesSeen };
  const deps = { runner: ctx.runner, now: ctx.now, env: ctx.env, warn: ctx.log.warn, debug: ctx.log.debug, seen };
  const { probes, configured } = await planMonitor(env, deps, only);
  if (probes.length === 0) throw new UsageError(`Environment ${env.name} has no probes.`, 'Add health.endpoints or health.databases to opsctl.yaml.');
  const channels = alertChannels(env, { effects: ctx.effects, runner: ctx.runner });
  // Said once at start, not per alert.
  if (channels.length === 0) ctx.log.warn('alerts.webhook is not set: alerts are printed only.');

  const data: MonitorData = { environment: env.name, rounds: 0, state: null, last: null, alerts: [], stateFile: file };
  if (!options.once) ctx.log.info(`Monitoring ${env.name}: ${plural(probes.length, 'probe')} every ${formatDuration(intervalMs)}${channels.length > 0 ? `, alerts to ${channels.map((c) => c.key).join(', ')}` : ''}. Ctrl-C stops.`);
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
    const earlier = pendingOf(next);
    if (events.length > 0 || Object.keys(earlier).length > 0) {
      const log = { app: env.app, environment: env.name, now: ctx.now, signal: ctx.signal, notice: ctx.log.notice, warn: ctx.log.warn };
      const sent = await deliver(log, channels, events, earlier);
      if (sent.alert) data.alerts.push(sent.alert);
      // Not taken by a channel: kept and offered to it again with the next round.
      setPending(next, sent.pending);
    }
    if (Object.keys(seen).length > 0) next.schedulesSeen = seen;
    memory = next;
    await saveState(ctx.effects, file, next);
    if (options.once) break;
    const waited = await delay(Math.max(0, intervalMs - (ctx.now() - started)), ctx.signal);
    if (!waited) break;
  }
  if (!options.once) ctx.log.info(`Monitor stopped after ${plural(data.rounds, 'round')}; ${plural(data.alerts.length, 'alert')}.`);
  return { data, exitCode: options.once && data.last ? exitCodeFor(data.last.state) : 0 };
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

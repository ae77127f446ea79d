import { formatDuration } from '../config/duration.js';
import type { AlertEvent } from './state.js';

const MARK: Record<AlertEvent['kind'], string> = { down: '🔴 DOWN', degraded: '🟡 DEGRADED', recovered: '✅ RECOVERED', 'still-down': '🔴 STILL DOWN' };

/** One line per event, as people read them in Slack and in the log. */
export function describeEvent(event: AlertEvent): string {
  const lasted = event.lastedMs === undefined ? '' : formatDuration(Math.max(1000, Math.round(event.lastedMs / 1000) * 1000));
  switch (event.kind) {
    case 'recovered':
      return `${MARK.recovered} ${event.probe} after ${lasted}`;
    case 'still-down':
      return `${MARK['still-down']} ${event.probe} for ${lasted}: ${event.reason}`;
    default:
      return `${MARK[event.kind]} ${event.probe}: ${event.reason}${event.from !== 'healthy' ? ` (was ${event.from}${lasted ? ` for ${lasted}` : ''})` : ''}`;
  }
}

/** The text of one alert: every change of a round in one message, so an outage of several probes is one alert. */
export function alertText(app: string, environment: string, events: readonly AlertEvent[]): string {
  const lines = events.map(describeEvent);
  const where = `[${app} ${environment}]`;
  return lines.length === 1 ? `${where} ${lines[0]}` : `${where} ${lines.length} changes\n${lines.join('\n')}`;
}

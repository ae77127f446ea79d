import { formatDuration } from '../config/duration.js';
import type { HistoryEntry } from '../history/journal.js';
import { paintState, type Style } from './style.js';
import { renderTable } from './table.js';

export function renderHistory(entries: readonly HistoryEntry[], style: Style): string {
  const rows = entries.map((e) => [
    e.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    e.type,
    paintState(style, e.result),
    `${e.user}@${e.host}`,
    formatDuration(e.durationMs),
    e.error ? style.red(e.error.split('\n')[0]!.slice(0, 60)) : summarize(e.details),
  ]);
  return renderTable(style, ['when', 'operation', 'result', 'who', 'took', 'details'], rows);
}

function summarize(details: Record<string, unknown> | undefined): string {
  if (!details) return '';
  return Object.entries(details)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 3)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

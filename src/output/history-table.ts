import { formatDuration } from '../config/duration.js';
import type { HistoryEntry } from '../history/journal.js';
import { paintState, type Style } from './style.js';
import { clip, renderTable } from './table.js';

export function renderHistory(entries: readonly HistoryEntry[], style: Style): string {
  const rows = entries.map((e) => [
    e.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    e.type,
    paintState(style, e.result),
    `${e.user}@${e.host}`,
    formatDuration(e.durationMs),
    e.error ? style.red(e.error.split('\n')[0]!.slice(0, 60)) : (releaseSummary(e) ?? summarize(e.details)),
  ]);
  return renderTable(style, ['when', 'operation', 'result', 'who', 'took', 'details'], rows);
}

/** deploy and rollback: "3ee276c bad -> back on bb80e31"; scale: "2 -> 3". */
function releaseSummary(e: HistoryEntry): string | undefined {
  const d = e.details as { shortSha?: string; subject?: string; previous?: string | null; running?: string | null; from?: number; to?: number } | undefined;
  if (!d) return undefined;
  if (e.type === 'scale' && typeof d.to === 'number') return `${d.from ?? '?'} -> ${d.to}`;
  if (typeof d.shortSha !== 'string') return undefined;
  const release = `${d.shortSha} ${clip(d.subject ?? '', 40)}`.trim();
  const outcome = (e.details as { outcome?: string }).outcome;
  if (outcome === 'unchanged') return `${release} (already running, nothing changed)`;
  const from = d.previous ? ` (from ${d.previous.slice(0, 7)})` : '';
  if (e.result === 'rolled-back' && d.running) return `${release}, back on ${d.running.slice(0, 7)}`;
  return `${release}${from}`;
}

function summarize(details: Record<string, unknown> | undefined): string {
  if (!details) return '';
  return Object.entries(details)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 3)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

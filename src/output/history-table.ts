import { formatDuration } from '../config/duration.js';
import type { HistoryEntry } from '../history/journal.js';
import { paintState, type Style } from './style.js';
import { clip, formatBytes, plural, renderTable } from './table.js';

export function renderHistory(entries: readonly HistoryEntry[], style: Style): string {
  const rows = entries.map((e) => [
    e.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    e.type,
    paintState(style, e.result),
    `${e.user}@${e.host}`,
    formatDuration(e.durationMs),
    e.error ? style.red(e.error.split('\n')[0]!.slice(0, 60)) : (releaseSummary(e) ?? describeDetails(e.type, e.details) ?? summarize(e.details)),
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
  // A redeploy of what runs has itself as previous: "from" says nothing then.
  const from = d.previous && !d.previous.startsWith(d.shortSha) ? ` (from ${d.previous.slice(0, 7)})` : '';
  // An automatic rollback switches the code, not the schema its migrations applied (deploy/migrate.ts).
  const schema = (e.details as { database?: { migrated?: boolean } }).database?.migrated ? `; the schema of ${d.shortSha} stays applied` : '';
  if (e.result === 'rolled-back' && d.running) return `${release}, back on ${d.running.slice(0, 7)}${schema}`;
  return `${release}${from}`;
}

type Details = Record<string, unknown>;
const count = (v: unknown) => (Array.isArray(v) ? v.length : typeof v === 'object' && v ? Object.values(v).reduce<number>((n, x) => n + (typeof x === 'number' ? x : 0), 0) : Number(v) || 0);
const names = (v: unknown) => (Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x ? String((x as { name?: unknown }).name) : String(x))).join(', ') : '');

/** One sentence for the operations whose details are sets and counts. */
const DESCRIBE: Record<string, (d: Details) => string> = {
  backup: (d) => `set ${String(d.id)}, ${formatBytes(Number(d.bytes))}${names(d.parts) ? `: ${names(d.parts)}` : ''}`,
  'backup-prune': (d) => `removed ${plural(count(d.removed), 'set')}, kept ${count(d.kept)}`,
  cleanup: (d) => `removed ${count(d.removed)} of ${count(d.planned)} planned, freed ${formatBytes(Number(d.bytesFreed))}${count(d.failed) > 0 ? `, ${count(d.failed)} failed` : ''}`,
  restore: (d) => `set ${String(d.id)}${names(d.restored) ? `: ${names(d.restored)}` : ''}${d.safetySet ? `; safety set ${String(d.safetySet)}` : ''}`,
};

function describeDetails(type: string, details: Details | undefined): string | undefined {
  return details && DESCRIBE[type] ? DESCRIBE[type](details) : undefined;
}

/** Any other operation: its first few plain values as "key value", comma-separated. */
function summarize(details: Details | undefined): string {
  if (!details) return '';
  return Object.entries(details)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 3)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}

import { formatDuration } from '../config/duration.js';
import { paintState, type Style } from '../output/style.js';
import { formatBytes, renderTable } from '../output/table.js';
import type { StatsReport } from './select.js';
import type { DatabaseStats, SlowQuery } from './stats.js';

/** `db stats`: one block per database (its figures, slow queries, top tables), then the verdict. */
export function renderStats(report: StatsReport, style: Style): string {
  const blocks = report.databases.map((db) => renderOne(db, style));
  return `${blocks.join('\n\n')}\n\n${style.bold(report.environment)}: ${paintState(style, report.state)}`;
}

function renderOne(db: DatabaseStats, style: Style): string {
  const head = `${style.bold(db.name)} ${style.dim(`${db.kind} ${db.target}`)} ${paintState(style, db.state)}${db.reasons.length > 0 ? `: ${db.reasons.join('; ')}` : ''}`;
  const figures = Object.entries(db.figures).flatMap(([key, value]) => (value === null ? [] : [figure(key, value)]));
  const parts = [head, ...(figures.length > 0 ? [style.dim(`  ${figures.join(' · ')}`)] : [])];
  if (db.slowQueries && db.slowQueries.length > 0) parts.push(renderSlow(db.slowQueries, style));
  if (db.tables && db.tables.length > 0) {
    parts.push(renderTable(style, ['table', 'scans', 'writes', 'rows', 'dead', 'size'], db.tables.map((t) => [t.name, String(t.scans), String(t.writes), String(t.liveRows), String(t.deadRows), formatBytes(t.bytes)])));
  }
  for (const r of db.replicas ?? []) parts.push(`  replica ${r.name || '?'} ${r.state}, lag ${r.lagMs === null ? 'unknown' : formatDuration(r.lagMs)}`);
  return parts.join('\n');
}

/** `sizeBytes` 8069123 -> "size 7.7 MB", `connectionsPercent` 2 -> "connections used 2%", `connections.active` -> "connections active 2". */
function figure(key: string, value: number | string): string {
  const words = (name: string) => name.replace(/\./g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  if (key.endsWith('Bytes')) return `${words(key.slice(0, -5))} ${formatBytes(Number(value))}`;
  if (key.endsWith('Percent')) return `${words(key.slice(0, -7))} used ${value}%`;
  return `${words(key)} ${value}`;
}

export function renderSlow(queries: readonly SlowQuery[], style: Style): string {
  return renderTable(style, ['pid', 'running', 'database', 'user', 'query'], queries.map((q) => [String(q.pid), formatDuration(q.durationMs), q.database ?? '-', q.user ?? '-', q.query]));
}

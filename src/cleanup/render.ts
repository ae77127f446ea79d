import type { Style } from '../output/style.js';
import { formatBytes, plural, renderTable } from '../output/table.js';
import type { FailedItem, PlannedItem, RemovedItem } from './types.js';

export interface CleanupData {
  environment: string;
  dryRun: boolean;
  kinds: string[];
  planned: PlannedItem[];
  plannedBytes: number;
  removed: RemovedItem[];
  failed: FailedItem[];
  freedBytes: number;
  notes: string[];
}

export function renderPlan(planned: readonly PlannedItem[], style: Style): string {
  if (planned.length === 0) return style.dim('Nothing to clean up.');
  const rows = planned.map((p) => [p.kind, p.what, formatBytes(p.bytes), p.why]);
  const total = planned.reduce((sum, p) => sum + p.bytes, 0);
  return [renderTable(style, ['kind', 'what', 'size', 'why'], rows), `${plural(planned.length, 'item')}, ${formatBytes(total)} to free.`].join('\n');
}

export function renderCleanup(data: CleanupData, style: Style): string {
  const out: string[] = [];
  if (data.dryRun || data.planned.length === 0) {
    out.push(renderPlan(data.planned, style));
    if (data.dryRun && data.planned.length > 0) out.push(style.dim('Dry run: nothing was removed.'));
  } else {
    const rows = data.removed.map((r) => [r.kind, r.what, formatBytes(r.bytes), style.green('removed')]);
    rows.push(...data.failed.map((f) => [f.kind, f.what, '-', style.red(`FAILED: ${f.error}`)]));
    out.push(renderTable(style, ['kind', 'what', 'size', 'result'], rows));
    out.push(`${style.green('✔')} Removed ${plural(data.removed.length, 'item')}, ${formatBytes(data.freedBytes)} returned.`);
    if (data.failed.length > 0) out.push(style.red(`✖ ${plural(data.failed.length, 'item')} could not be removed.`));
  }
  for (const note of data.notes) out.push(style.dim(note));
  return out.join('\n');
}

import { formatDuration } from '../config/duration.js';
import type { Style } from '../output/style.js';
import { formatBytes, plural, renderTable } from '../output/table.js';
import type { CreatedSet } from './create.js';
import type { RetentionPolicy } from './retention.js';
import type { PrunePlan } from './prune.js';
import type { Verification } from './verify.js';

export interface ListedSet {
  id: string;
  createdAt: string;
  ageMs: number;
  bytes: number;
  parts: string[];
  /** safety: taken by restore before overwriting; never `latest`. */
  kind: 'regular' | 'safety';
  reason: string | null;
  /** The rules that keep it; [] without a policy; null when prune would remove it. */
  keptBy: string[] | null;
  /** With backup.remotes: where complete copies are (`local` and each remote that holds it). */
  copies?: string[];
}

export function renderCreated(data: { dryRun: boolean; set: CreatedSet | null; planned: string[]; environment: string }, style: Style): string {
  if (!data.set) return style.dim(`Dry run: would back up ${data.planned.join(', ')} for ${data.environment}.`);
  const { set } = data;
  const rows = set.manifest.parts.map((p) => [p.name, p.kind, formatBytes(p.bytes), p.sha256.slice(0, 16), p.entries === undefined ? '-' : String(p.entries), p.tool]);
  return [
    `${style.green('✔')} Backup set ${style.bold(set.id)} of ${data.environment}: ${plural(set.manifest.parts.length, 'part')}, ${formatBytes(set.manifest.bytes)} in ${formatDuration(set.manifest.durationMs)}`,
    renderTable(style, ['part', 'kind', 'size', 'sha256', 'tables/entries', 'tool'], rows),
    style.dim(set.dir),
  ].join('\n');
}

export function renderList(data: { environment: string; dir: string; policy: RetentionPolicy | null; sets: ListedSet[]; incomplete: { name: string; problem: string }[] }, style: Style): string {
  const out: string[] = [];
  if (data.sets.length === 0) out.push(style.dim(`No backup sets of ${data.environment} in ${data.dir}.`));
  else {
    const rows = data.sets.map((s) => [
      s.kind === 'safety' ? `${s.id} ${style.yellow('safety')}` : s.id,
      s.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      formatDuration(s.ageMs),
      formatBytes(s.bytes),
      s.parts.join(', '),
      s.keptBy === null ? style.yellow('pruned next') : s.keptBy.length > 0 ? s.keptBy.join(', ') : style.dim('-'),
      ...(s.copies ? [s.copies.join(', ')] : []),
    ]);
    out.push(renderTable(style, ['id', 'created', 'age', 'size', 'parts', 'kept by', ...(data.sets[0]?.copies ? ['copies'] : [])], rows));
    out.push(style.dim(data.policy ? `retention: ${describePolicy(data.policy)}` : 'no backup.retention: prune keeps everything until one is set'));
  }
  for (const item of data.incomplete) out.push(style.yellow(`not a complete set: ${item.name} (${item.problem})`));
  return out.join('\n');
}

export function renderVerification(v: Verification, style: Style): string {
  const rows = v.parts.map((p) => [p.name, p.kind, p.ok ? style.green('ok') : style.red('FAILED'), p.ok ? p.checked.join(', ') : (p.problem ?? '')]);
  for (const t of v.restoreTests) rows.push([t.name, 'restore test', t.ok ? style.green('ok') : style.red('FAILED'), t.ok ? `${t.tables} tables, ${t.rows} rows in a scratch database (dropped)` : (t.problem ?? '')]);
  const head = v.ok ? style.green(`✔ ${v.id} verified`) : style.red(`✖ ${v.id} failed verification: do not rely on it`);
  return [head, renderTable(style, ['part', 'check', 'result', 'details'], rows)].join('\n');
}

export function renderPrune(data: { dryRun: boolean; plan: PrunePlan; removed: string[] }, style: Style): string {
  const rows = [
    ...data.plan.remove.map((d) => [d.id, style.yellow(data.dryRun ? 'would remove' : 'removed'), formatBytes(d.bytes), d.reasons.join('; ')]),
    ...data.plan.keep.map((d) => [d.id, style.green('kept'), formatBytes(d.bytes), d.reasons.join(', ')]),
  ];
  const freed = data.plan.remove.reduce((sum, d) => sum + d.bytes, 0);
  const head = `${data.dryRun ? 'Would remove' : 'Removed'} ${plural(data.plan.remove.length, 'set')} (${formatBytes(freed)}), kept ${data.plan.keep.length}.`;
  return rows.length > 0 ? [head, renderTable(style, ['id', 'action', 'size', 'why'], rows)].join('\n') : style.dim('No backup sets.');
}

/** { daily: 7, weekly: 4 } -> "the last 7 daily, 4 weekly sets"; maxAgeDays caps them all. */
export function describePolicy(policy: RetentionPolicy): string {
  const counts = (['daily', 'weekly', 'monthly'] as const).filter((k) => policy[k] !== undefined).map((k) => `${policy[k]} ${k}`);
  const kept = counts.length > 0 ? `the last ${counts.join(', ')} sets` : 'every set';
  return policy.maxAgeDays === undefined ? kept : `${kept}, none older than ${policy.maxAgeDays} days`;
}

import { formatDuration } from '../config/duration.js';
import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import type { Style } from '../output/style.js';
import { formatBytes } from '../output/table.js';
import { latestSet, listSets } from './sets.js';
import { remotesHolding } from './remote/actions.js';
import type { RemoteIo } from './remote/listing.js';

export interface LastBackup {
  dir: string;
  id: string | null;
  createdAt: string | null;
  ageMs: number | null;
  bytes: number | null;
  /** With backup.remotes: where complete copies of it are (`local`, each remote holding it, `<name>?` when unknown). */
  copies?: string[];
}

/** A nightly backup is late after this long: status shows its age in yellow. */
const LATE_MS = 26 * 3_600_000;

/** The newest complete regular (not safety) set of the environment, for status; null when it has no backup section. */
export async function lastBackup(env: SelectedEnvironment, now: number, io?: RemoteIo): Promise<LastBackup | null> {
  if (!env.config.backup) return null;
  const dir = resolveFrom(env, env.config.backup.dir);
  const newest = latestSet((await listSets(dir, env.name).catch(() => ({ sets: [] }))).sets);
  if (!newest) return { dir, id: null, createdAt: null, ageMs: null, bytes: null };
  const last: LastBackup = { dir, id: newest.id, createdAt: newest.manifest.createdAt, ageMs: now - Date.parse(newest.manifest.createdAt), bytes: newest.manifest.bytes };
  if (io && (env.config.backup.remotes ?? []).length > 0) last.copies = ['local', ...(await remotesHolding(io, env, newest.id))];
  return last;
}

export function renderLastBackup(last: LastBackup, style: Style): string {
  if (!last.id || last.ageMs === null) return style.yellow(`none yet in ${last.dir} (opsctl backup)`);
  const age = `${formatDuration(last.ageMs)} ago`;
  const copies = last.copies ? ` · copies: ${last.copies.length > 1 ? last.copies.join(', ') : style.yellow('local only')}` : '';
  return `${last.id} ${last.ageMs > LATE_MS ? style.yellow(age) : age} (${formatBytes(last.bytes ?? 0)})${copies}`;
}

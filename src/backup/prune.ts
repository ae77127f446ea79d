import path from 'node:path';
import { removeTreePinned } from '../cleanup/pinned-tree.js';
import { ConfigError } from '../errors.js';
import { applyRetention, isEmptyPolicy, type Dated, type Decision, type RetentionPolicy } from './retention.js';
import { isSafety } from './manifest.js';
import { partialName, type BackupSet } from './sets.js';

export interface PrunePlan {
  keep: (Decision & { bytes: number })[];
  remove: (Decision & { bytes: number })[];
}

export function planPrune(sets: readonly BackupSet[], policy: RetentionPolicy | undefined, now: number): PrunePlan {
  if (!policy || isEmptyPolicy(policy)) {
    throw new ConfigError(
      'backup.retention is empty: prune has no rule to keep sets by, and will not guess.',
      'Set backup.retention in opsctl.yaml, e.g. { daily: 7, weekly: 4, monthly: 3 } or { maxAgeDays: 30 }.',
    );
  }
  const bytes = new Map(sets.map((s) => [s.id, s.manifest.bytes]));
  const decisions = applyRetention(datedSets(sets), policy, now).map((d) => ({ ...d, bytes: bytes.get(d.id) ?? 0 }));
  return { keep: decisions.filter((d) => d.keep), remove: decisions.filter((d) => !d.keep) };
}

/** What retention needs of a set: its id, time and whether it is a safety set. */
export function datedSets(sets: readonly BackupSet[]): Dated[] {
  return sets.map((s) => ({ id: s.id, createdAt: s.manifest.createdAt, safety: isSafety(s.manifest) }));
}

/**
 * Renamed out of sight first, then removed: a prune killed half-way never leaves a set that looks whole
 * and is not. Removed through pinned folders (cleanup's remover): a set holding a bind mount, or a folder
 * swapped for a link while it goes, costs nothing outside the backup folder.
 */
export async function deleteSet(set: BackupSet, environment: string): Promise<void> {
  await removeTreePinned(path.dirname(set.dir), path.basename(set.dir), partialName(environment, `deleting-${set.id}`));
}

import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';

export const CLEANUP_KINDS = ['docker', 'temp', 'backups', 'pm2-logs', 'releases'] as const;
export type CleanupKind = (typeof CLEANUP_KINDS)[number];

/** One thing cleanup would remove (or truncate), with the space it frees and the rule that picked it. */
export interface PlannedItem {
  kind: CleanupKind;
  /** A path, a backup set id, a container or image id and name. */
  what: string;
  bytes: number;
  why: string;
}

export interface RemovedItem {
  kind: CleanupKind;
  what: string;
  bytes: number;
}

export interface FailedItem {
  kind: CleanupKind;
  what: string;
  error: string;
}

/** A planned item plus how to remove it; the action never leaves this module set (it is not in the JSON result). */
export interface Removal {
  item: PlannedItem;
  remove(): Promise<void>;
}

export interface KindPlan {
  removals: Removal[];
  /** Things worth saying that are not items: a missing folder, a skipped link, what was kept and why. */
  notes: string[];
}

export type Planner = (ctx: Context, env: SelectedEnvironment) => Promise<KindPlan>;

export const MB = 1024 * 1024;
export const DAY_MS = 86_400_000;

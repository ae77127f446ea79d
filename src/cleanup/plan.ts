import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { planBackups } from './backups.js';
import { planDocker } from '../targets/docker/cleanup.js';
import { targetOf } from '../targets/registry.js';
import { planReleaseFolders } from './releases.js';
import { planTemp } from './temp.js';
import { CLEANUP_KINDS, type CleanupKind, type FailedItem, type KindPlan, type Planner, type RemovedItem, type Removal } from './types.js';

const PLANNERS: Record<CleanupKind, Planner> = {
  temp: planTemp,
  backups: planBackups,
  'pm2-logs': planPm2Logs,
  docker: (ctx, env) => planDocker(ctx, env, targetOf(env)),
  releases: planReleaseFolders,
};

/**
 * cleanup.pm2Logs: the target's own hook truncates its log files; a target without pm2 logs says so.
 * Releases and docker images are every target's: planDocker asks the target for its label and image.
 */
async function planPm2Logs(ctx: Context, env: SelectedEnvironment): Promise<KindPlan> {
  const rule = env.config.cleanup?.pm2Logs;
  if (!rule) return { removals: [], notes: [] };
  const hook = targetOf(env).cleanup.pm2Logs;
  if (!hook) return { removals: [], notes: ['pm2-logs: cleanup.pm2Logs is set but the target is not pm2: nothing to do'] };
  return hook(ctx, rule.maxSizeMB);
}

/** --only docker,temp: the kinds to plan; every kind when absent. */
export function parseKinds(only: string | undefined): CleanupKind[] {
  if (only === undefined) return [...CLEANUP_KINDS];
  const names = only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(CLEANUP_KINDS as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(`Unknown cleanup kind "${unknown[0] ?? only}".`, `Use --only with any of: ${CLEANUP_KINDS.join(', ')}.`);
  }
  return CLEANUP_KINDS.filter((k) => names.includes(k));
}

/** Plans every chosen kind; nothing is removed here (the read-only docker probes run, even under --dry-run). */
export async function planCleanup(ctx: Context, env: SelectedEnvironment, kinds: readonly CleanupKind[]): Promise<KindPlan> {
  const plan: KindPlan = { removals: [], notes: [] };
  if (!env.config.cleanup) plan.notes.push(`nothing is configured under cleanup for ${env.name}: see the Cleanup section of the README`);
  for (const kind of kinds) {
    const part = await PLANNERS[kind](ctx, env);
    plan.removals.push(...part.removals);
    plan.notes.push(...part.notes);
  }
  return plan;
}

export interface Outcome {
  removed: RemovedItem[];
  failed: FailedItem[];
}

/** Removes item by item: one that fails is reported and the rest still go. */
export async function executeCleanup(ctx: Context, removals: readonly Removal[]): Promise<Outcome> {
  const outcome: Outcome = { removed: [], failed: [] };
  for (const { item, remove } of removals) {
    // Ctrl-C between two removals: stop there; the journal says interrupted.
    if (ctx.signal.aborted) throw ctx.signal.reason;
    try {
      await remove();
      outcome.removed.push({ kind: item.kind, what: item.what, bytes: item.bytes });
      ctx.log.debug(`removed ${item.what}`);
    } catch (error) {
      if ((error as { code?: string }).code === 'interrupted') throw error;
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      outcome.failed.push({ kind: item.kind, what: item.what, error: message });
      ctx.log.warn(`could not remove ${item.what}: ${message}`);
    }
  }
  return outcome;
}

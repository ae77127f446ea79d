import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { OpsError } from '../errors.js';
import { deleteSet, planPrune } from '../backup/prune.js';
import { isSafety } from '../backup/manifest.js';
import { listSets } from '../backup/sets.js';
import type { KindPlan } from './types.js';

/** cleanup.backups: the sets `opsctl backup prune` would remove, by backup.retention; never the newest set. */
export async function planBackups(ctx: Context, env: SelectedEnvironment): Promise<KindPlan> {
  if (!env.config.cleanup?.backups) return { removals: [], notes: [] };
  const dir = resolveFrom(env, env.config.backup?.dir ?? 'backups');
  const { sets } = await listSets(dir, env.name);
  // The newest regular set; a restore's safety sets follow their own rule in planPrune.
  const newest = sets.find((s) => !isSafety(s.manifest))?.id;
  const plan = planPrune(sets, env.config.backup?.retention, ctx.now());
  const removals = plan.remove.map((decision) => {
    const set = sets.find((s) => s.id === decision.id)!;
    return {
      item: { kind: 'backups' as const, what: set.dir, bytes: decision.bytes, why: decision.reasons.join('; ') },
      remove: async () => {
        if (set.id === newest) throw new OpsError(`${set.id} is the newest backup set: never removed.`);
        await deleteSet(set, env.name);
      },
    };
  });
  return { removals, notes: sets.length === 0 ? [`backups: no backup set of ${env.name} in ${dir}`] : [] };
}

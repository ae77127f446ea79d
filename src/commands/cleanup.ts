import type { SelectedEnvironment } from '../config/select.js';
import type { CommandResult, Context } from '../context.js';
import { UsageError } from '../errors.js';
import { journalOf, recordOperation } from '../history/journal.js';
import { withLock } from '../history/lock.js';
import { confirmByTyping } from '../output/confirm.js';
import { executeCleanup, parseKinds, planCleanup } from '../cleanup/plan.js';
import { renderCleanup, renderPlan, type CleanupData } from '../cleanup/render.js';
import type { CleanupKind, Removal } from '../cleanup/types.js';
import { createStyle, type Style } from '../output/style.js';
import { formatBytes, plural } from '../output/table.js';

export interface CleanupOptions {
  only?: string;
}

export async function run(ctx: Context, options: CleanupOptions, args: string[]): Promise<CommandResult<CleanupData>> {
  if (args.length > 0) throw new UsageError(`Unexpected argument "${args[0]}".`, 'cleanup takes no arguments; pick kinds with --only docker,temp,backups,pm2-logs.');
  const kinds = parseKinds(options.only);
  const env = ctx.environment();
  if (ctx.dryRun) {
    const plan = await planCleanup(ctx, env, kinds);
    return { data: dataOf(env, kinds, plan.removals, plan.notes, true) };
  }
  return withLock(env.stateDir, env.name, 'opsctl cleanup', async () => {
    const plan = await planCleanup(ctx, env, kinds);
    const data = dataOf(env, kinds, plan.removals, plan.notes, false);
    if (plan.removals.length === 0) return { data };
    await confirm(ctx, env, plan.removals);
    const outcome = await recordOperation(journalOf(ctx, env), 'cleanup', async () => {
      const done = await executeCleanup(ctx, plan.removals);
      const freed = done.removed.reduce((sum, r) => sum + r.bytes, 0);
      return {
        value: done,
        result: done.failed.length === 0 ? 'success' : done.removed.length === 0 ? 'failed' : 'partial',
        details: { kinds, planned: plan.removals.length, removed: countByKind(done.removed), failed: done.failed, bytesFreed: freed, bytesPlanned: data.plannedBytes },
      };
    });
    data.removed = outcome.removed;
    data.failed = outcome.failed;
    data.freedBytes = outcome.removed.reduce((sum, r) => sum + r.bytes, 0);
    ctx.log.info(`cleanup of ${env.name}: removed ${plural(data.removed.length, 'item')}, ${formatBytes(data.freedBytes)} returned`);
    return { data, exitCode: data.failed.length > 0 ? 1 : 0 };
  });
}

function dataOf(env: SelectedEnvironment, kinds: CleanupKind[], removals: readonly Removal[], notes: string[], dryRun: boolean): CleanupData {
  const planned = removals.map((r) => r.item);
  return { environment: env.name, dryRun, kinds, planned, plannedBytes: planned.reduce((sum, p) => sum + p.bytes, 0), removed: [], failed: [], freedBytes: 0, notes };
}

function countByKind(items: readonly { kind: CleanupKind }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.kind] = (counts[item.kind] ?? 0) + 1;
  return counts;
}

/** --yes, else the plan on stderr and the environment's name typed on a terminal; without one, exit 2. */
async function confirm(ctx: Context, env: SelectedEnvironment, removals: readonly Removal[]): Promise<void> {
  if (ctx.assumeYes) return;
  const total = formatBytes(removals.reduce((sum, r) => sum + r.item.bytes, 0));
  if (!ctx.interactive) {
    throw new UsageError(`cleanup would remove ${plural(removals.length, 'item')} (${total}) from ${env.name} and needs confirmation.`, 'See the plan with --dry-run; pass --yes to confirm without a terminal.');
  }
  ctx.log.notice(renderPlan(removals.map((r) => r.item), createStyle(false)));
  await confirmByTyping(`Remove ${plural(removals.length, 'item')} (${total}) of ${env.name}?`, env.name, 'nothing was removed', ctx.signal);
}

export function render(data: CleanupData, style: Style): string {
  return renderCleanup(data, style);
}

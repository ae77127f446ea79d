import { resolveFrom } from '../config/select.js';
import type { CommandResult, Context } from '../context.js';
import { UsageError } from '../errors.js';
import { withLock } from '../history/lock.js';
import { restoreSet, type RestoreData, type RestoreOptions } from '../backup/restore-set.js';
import { restoreFromRemote } from '../backup/remote/restore-from.js';
import type { Style } from '../output/style.js';
import { renderTable } from '../output/table.js';

export type { RestoreData, RestoreOptions } from '../backup/restore-set.js';

export async function run(ctx: Context, options: RestoreOptions, args: string[]): Promise<CommandResult<RestoreData>> {
  const [id, extra] = args;
  if (!id || extra) throw new UsageError('restore takes one backup set id.', 'Run opsctl backup list to see them, or use latest.');
  const env = ctx.environment();
  const dir = resolveFrom(env, env.config.backup?.dir ?? 'backups');
  const restore = () => (options.from !== undefined ? restoreFromRemote(ctx, env, dir, id, options) : restoreSet(ctx, env, dir, id, options));
  if (ctx.dryRun) return { data: await restore() };
  // The lock is taken before the set is looked up, verified and confirmed: a prune cannot remove it in between.
  const done = await withLock(env.stateDir, env.name, `opsctl restore ${id}`, restore);
  return { data: done };
}

export function render(data: RestoreData, style: Style): string {
  if (data.dryRun) return style.dim(`Dry run: would restore ${data.verification.parts.map((p) => p.name).join(', ')} from ${data.id}.`);
  const rows = data.restored.map((r) => [r.name, r.kind, r.into]);
  return [
    `${style.green('✔')} Restored ${style.bold(data.id)} into ${data.environment}` + (data.safetySet ? `; the state before is set ${style.bold(data.safetySet)}` : ''),
    renderTable(style, ['part', 'kind', 'into'], rows),
  ].join('\n');
}

import { resolveFrom, selectEnvironment, type SelectedEnvironment } from '../config/select.js';
import type { CommandResult, Context } from '../context.js';
import { UsageError } from '../errors.js';
import { withLock } from '../history/lock.js';
import { restoreSet, type RestoreData, type RestoreOptions, type SetSource } from '../backup/restore-set.js';
import type { Style } from '../output/style.js';
import { renderTable } from '../output/table.js';

export type { RestoreData, RestoreOptions } from '../backup/restore-set.js';

export async function run(ctx: Context, options: RestoreOptions, args: string[]): Promise<CommandResult<RestoreData>> {
  const [id, extra] = args;
  if (!id || extra) throw new UsageError('restore takes one backup set id.', 'Run opsctl backup list to see them, or use latest.');
  const env = ctx.environment();
  const dir = backupDir(env);
  const from = options.fromEnv === undefined ? undefined : setsOf(ctx, options.fromEnv);
  if (ctx.dryRun) return { data: await restoreSet(ctx, env, dir, id, options, from) };
  // The lock is taken before the set is looked up, verified and confirmed: a prune cannot remove it in between.
  // --from-env takes only the lock of the environment written to: the other one's scheduled backups go on.
  const done = await withLock(env.stateDir, env.name, `opsctl restore ${id}`, () => restoreSet(ctx, env, dir, id, options, from));
  return { data: done };
}

const backupDir = (env: SelectedEnvironment) => resolveFrom(env, env.config.backup?.dir ?? 'backups');

/** --from-env production: production's sets, in production's backup folder. */
function setsOf(ctx: Context, name: string): SetSource {
  const source = selectEnvironment(ctx.config(), name, undefined);
  return { environment: source.name, dir: backupDir(source) };
}

export function render(data: RestoreData, style: Style): string {
  const of = data.from ? ` of ${data.from}` : '';
  if (data.dryRun) return style.dim(`Dry run: would restore ${data.verification.parts.map((p) => p.name).join(', ')} from ${data.id}${of} into ${data.environment}.`);
  const rows = data.restored.map((r) => [r.name + (r.tables ? ` (${r.tables.join(', ')})` : ''), r.kind, r.into]);
  return [
    `${style.green('✔')} Restored ${style.bold(data.id)}${of} into ${data.environment}` + (data.safetySet ? `; the state before is set ${style.bold(data.safetySet)}` : ''),
    renderTable(style, ['part', 'kind', 'into'], rows),
  ].join('\n');
}

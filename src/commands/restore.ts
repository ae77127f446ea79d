import { resolveFrom, selectEnvironment, type SelectedEnvironment } from '../config/select.js';
import type { CommandResult, Context } from '../context.js';
import { UsageError } from '../errors.js';
import { withLock } from '../history/lock.js';
import { restoreSet, type RestoreData, type RestoreOptions, type SetSource } from '../backup/restore-set.js';
import { restoreFromRemote } from '../backup/remote/restore-from.js';
import type { Style } from '../output/style.js';
import { renderTable } from '../output/table.js';

export type { RestoreData, RestoreOptions } from '../backup/restore-set.js';

export async function run(ctx: Context, options: RestoreOptions, args: string[]): Promise<CommandResult<RestoreData>> {
  const [id, extra] = args;
  if (!id || extra) throw new UsageError('restore takes one backup set id.', 'Run opsctl backup list to see them, or use latest.');
  const env = ctx.environment();
  if (options.from !== undefined && options.fromEnv !== undefined) {
    throw new UsageError('restore takes --from <remote> or --from-env <environment>, not both.', 'Pull the other environment\'s set first: opsctl backup pull <id> -e <environment> --from <remote>, then restore it with --from-env.');
  }
  const dir = backupDir(env);
  const from = options.fromEnv === undefined ? undefined : setsOf(ctx, options.fromEnv);
  const restore = () => (options.from !== undefined ? restoreFromRemote(ctx, env, dir, id, options) : restoreSet(ctx, env, dir, id, options, from));
  if (ctx.dryRun) return { data: await restore() };
  // The lock is taken before the set is looked up, verified and confirmed: a prune cannot remove it in between.
  // --from-env takes only the lock of the environment written to: the other one's scheduled backups go on.
  const done = await withLock(env.stateDir, env.name, `opsctl restore ${id}`, restore);
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

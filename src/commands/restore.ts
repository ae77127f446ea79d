import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import type { CommandResult, Context } from '../context.js';
import { OpsError, UsageError } from '../errors.js';
import { recordOperation } from '../history/journal.js';
import { withLock } from '../history/lock.js';
import { confirmByTyping } from '../backup/confirm.js';
import { createSet } from '../backup/create.js';
import { planRestore, restorePart, safetyParts, type RestoreTarget } from '../backup/restore.js';
import { findSet, type BackupSet } from '../backup/sets.js';
import { verifySet, type Verification } from '../backup/verify.js';
import type { Style } from '../output/style.js';
import { renderTable } from '../output/table.js';
import { journalOf } from './backup.js';

export interface RestoreOptions {
  only?: string;
  to?: string;
  /** commander's --no-safety-backup. */
  safetyBackup?: boolean;
}

export interface RestoreData {
  environment: string;
  id: string;
  dryRun: boolean;
  verification: Verification;
  safetySet: string | null;
  restored: { name: string; kind: string; into: string }[];
}

export async function run(ctx: Context, options: RestoreOptions, args: string[]): Promise<CommandResult<RestoreData>> {
  const [id, extra] = args;
  if (!id || extra) throw new UsageError('restore takes one backup set id.', 'Run opsctl backup list to see them, or use latest.');
  const env = ctx.environment();
  const dir = resolveFrom(env, env.config.backup?.dir ?? 'backups');
  if (ctx.dryRun) return { data: await restoreSet(ctx, env, dir, id, options) };
  // The lock is taken before the set is looked up, verified and confirmed: a prune cannot remove it in between.
  const done = await withLock(env.stateDir, env.name, `opsctl restore ${id}`, () => restoreSet(ctx, env, dir, id, options));
  return { data: done };
}

export async function restoreSet(ctx: Context, env: SelectedEnvironment, dir: string, id: string, options: RestoreOptions): Promise<RestoreData> {
  const set = await findSet(dir, env.name, id);
  const only = options.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const targets = planRestore(env, set, only, options.to);
  const takeSafety = options.safetyBackup !== false && options.to === undefined;
  // A safety set of another database filed among this environment's sets would be restored over
  // this environment's own database by a later `restore latest`: with --to there is none.
  if (options.to !== undefined && options.safetyBackup !== false) {
    ctx.log.warn(`--to: NO safety backup of ${targets.map((t) => (t.into.kind === 'files' ? t.into.cwd : t.into.conn.safeUrl)).join(', ')} is taken; back it up yourself first if it holds data you need`);
  }

  const step = ctx.log.step(`verifying ${set.id} before restoring it`);
  const verification = await verifySet(ctx, set, only);
  if (!verification.ok) {
    const problems = verification.parts.filter((p) => !p.ok).map((p) => `${p.name}: ${p.problem}`).join('; ');
    step.fail();
    throw new OpsError(`Set ${set.id} failed verification, nothing was restored: ${problems}.`, 'Pick another set (opsctl backup list) and verify it: opsctl backup verify <id>.');
  }
  step.done(`${set.id} verified`);
  const data: RestoreData = { environment: env.name, id: set.id, dryRun: ctx.dryRun, verification, safetySet: null, restored: [] };
  if (!ctx.dryRun) await confirm(ctx, env, set, targets);

  const work = async () => {
    if (takeSafety) data.safetySet = await safetyBackup(ctx, env, dir, set, targets);
    for (const target of targets) {
      const s = ctx.log.step(`${target.part.name}: restoring ${target.part.file}`);
      try {
        data.restored.push({ name: target.part.name, kind: target.part.kind, into: await restorePart(ctx, set, target) });
        s.done(`${target.part.name}: restored`);
      } catch (error) {
        s.fail(`${target.part.name}: restore failed${data.safetySet ? `; the state before is in set ${data.safetySet}` : ''}`);
        throw error;
      }
    }
    return data;
  };
  if (ctx.dryRun) return work();
  return recordOperation(journalOf(ctx, env), 'restore', async () => {
    const result = await work();
    return { value: result, details: { id: set.id, safetySet: result.safetySet, restored: result.restored } };
  });
}

async function confirm(ctx: Context, env: SelectedEnvironment, set: BackupSet, targets: readonly RestoreTarget[]): Promise<void> {
  if (ctx.assumeYes) return;
  const what = targets.map((t) => `${t.part.name} -> ${t.into.kind === 'files' ? t.into.paths.join(', ') : t.into.conn.safeUrl}`).join('; ');
  if (!ctx.interactive) {
    throw new UsageError(`restore replaces the current data of ${env.name} (${what}) and needs confirmation.`, 'Pass --yes to confirm without a terminal.');
  }
  await confirmByTyping(`Restore set ${set.id} (${set.manifest.createdAt}) over ${env.name}: ${what}.`, env.name, 'nothing was restored', ctx.signal);
}

async function safetyBackup(ctx: Context, env: SelectedEnvironment, dir: string, set: BackupSet, targets: readonly RestoreTarget[]): Promise<string | null> {
  const parts = safetyParts(targets);
  if (parts.length === 0) return null;
  if (ctx.dryRun) {
    ctx.log.plan(`would take a safety backup of ${parts.map((p) => p.name).join(', ')} first`);
    return null;
  }
  ctx.log.info(`safety backup of the current state first (skip with --no-safety-backup)`);
  const created = await createSet(ctx, env, parts, { backupDir: dir, reason: `safety before restore of ${set.id}`, safety: true });
  ctx.log.info(`safety backup ${created.id} taken: restore it to undo this restore`);
  return created.id;
}

export function render(data: RestoreData, style: Style): string {
  if (data.dryRun) return style.dim(`Dry run: would restore ${data.verification.parts.map((p) => p.name).join(', ')} from ${data.id}.`);
  const rows = data.restored.map((r) => [r.name, r.kind, r.into]);
  return [
    `${style.green('✔')} Restored ${style.bold(data.id)} into ${data.environment}` + (data.safetySet ? `; the state before is set ${style.bold(data.safetySet)}` : ''),
    renderTable(style, ['part', 'kind', 'into'], rows),
  ].join('\n');
}

import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { clip } from '../output/table.js';
import { restoreSet } from '../backup/restore-set.js';
import { prepareRelease, ROLLBACK_SKIPS_CHECKS } from './build.js';
import { findRelease, previousGood, releaseDetails } from './ledger.js';
import { checkMigrationsCrossed } from './migrate.js';
import { keepReleases, withRelease } from './operation.js';
import { resolveRef, type ResolvedRef } from './releases.js';
import type { DeployResult } from './result.js';
import { preflight, type DriverFactory, type SourceSession } from './session.js';
import { switchTo } from './switch.js';

export interface RollbackRequest {
  /** A release (full or short sha the journal knows), or any commit-ish of the repo. */
  to?: string;
  force: boolean;
  /** Also restore the databases from the backup taken before the deploy being undone. */
  restoreDb: boolean;
}

export function rollback(ctx: Context, env: SelectedEnvironment, request: RollbackRequest, makeDriver: DriverFactory): Promise<DeployResult> {
  const label = `opsctl rollback${request.to ? ` --to ${request.to}` : ''}`;
  return withRelease(ctx, env, { operation: 'rollback', label, makeDriver }, async (session, result) => {
    const s = await session.steps.run('preflight', 'config, repository, target, disk', () => preflight(session));
    const ref = await s.steps.run('resolve', request.to ?? 'the last good release', () => chooseTarget(s, request), (r) => `${r.shortSha} ${clip(r.subject, 60)}`);
    result.release = { ...ref, ref: request.to ?? null };
    const crossed = await checkMigrationsCrossed(s, ref.sha, request);
    const backup = request.restoreDb ? (crossed ?? linkedBackup(s)) : null;
    const release = await prepareRelease(s, ref, { skipTests: ROLLBACK_SKIPS_CHECKS, reuseBuilt: true });
    if (backup) result.restored = await s.steps.run('restore', `databases from set ${backup}`, () => restoreDatabases(s, backup));
    result.running = release.sha;
    const switched = await switchTo(s, release);
    if (!switched.switched) result.running = result.previous;
    result.health = switched.health;
    result.error = switched.error;
    result.lastLines = switched.lastLines;
    result.outcome = !switched.ok ? 'failed' : ctx.dryRun ? 'planned' : 'rolled-back';
    if (switched.ok) await keepReleases(s, result);
  });
}

async function chooseTarget(session: SourceSession, request: RollbackRequest): Promise<ResolvedRef> {
  const { ctx, ledger, layout, env } = session;
  let sha: string | undefined;
  if (request.to) {
    const known = findRelease(ledger, request.to);
    if (known.length > 1) throw new UsageError(`--to ${request.to} matches ${known.length} releases.`, 'Give more digits of the sha (opsctl history --type deploy shows them).');
    sha = known[0] ?? (await resolveRef(ctx.runner, layout.repo, request.to)).sha;
  } else {
    sha = previousGood(ledger);
    if (!sha) throw new UsageError(`${env.name} has no earlier good release to roll back to.`, 'Name one with --to <sha|tag>; opsctl history --type deploy,rollback shows what ran.');
  }
  if (sha === ledger.current && !request.force) throw new UsageError(`${sha.slice(0, 7)} is what runs on ${env.name} already.`, 'Pick another with --to, or pass --force to switch to it again.');
  if (ledger.bad.has(sha) && !request.force) throw new UsageError(`Release ${sha.slice(0, 7)} failed its health gate before.`, 'Pick another with --to, or pass --force.');
  return resolveRef(ctx.runner, layout.repo, sha);
}

/** The backup set the deploy being undone took first (backup.beforeDeploy), checked before anything changes. */
function linkedBackup(session: SourceSession): string {
  const { ledger, env } = session;
  const undone = ledger.current ? ledger.entries.get(ledger.current) : undefined;
  const backup = undone ? releaseDetails(undone)?.backup : undefined;
  if (!backup) {
    throw new UsageError(
      `--restore-db: the deploy of ${ledger.current?.slice(0, 7) ?? 'what runs now'} on ${env.name} has no linked backup.`,
      'Set backup.beforeDeploy: true so deploys take one; to restore another set, run opsctl restore <id> yourself.',
    );
  }
  return backup;
}

async function restoreDatabases(session: SourceSession, id: string): Promise<string> {
  const { ctx, env } = session;
  const databases = env.config.backup?.databases ?? [];
  if (databases.length === 0) throw new UsageError(`--restore-db: ${env.name} backs up no databases.`, 'List them under backup.databases.');
  const dir = resolveFrom(env, env.config.backup!.dir);
  await restoreSet(ctx, env, dir, id, { only: databases.join(',') });
  return id;
}

import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { toOpsError, UsageError } from '../errors.js';
import { clip } from '../output/table.js';
import { createSet } from '../backup/create.js';
import { planParts } from '../backup/parts.js';
import { prepareRelease, ROLLBACK_SKIPS_CHECKS } from './build.js';
import { rollbackTarget } from './ledger.js';
import { migratedState, migrateStep, schemaStaysHint } from './migrate.js';
import { keepReleases, withRelease } from './operation.js';
import { preparedAt, resolveRef, type ResolvedRef } from './releases.js';
import type { DeployResult } from './result.js';
import { imageFor, preflight, type DriverFactory, type SourceSession } from './session.js';
import { switchTo } from './switch.js';

export interface DeployRequest {
  ref?: string;
  force: boolean;
  skipTests: boolean;
  /** false with --no-rollback: a release failing its gate stays, for debugging. */
  autoRollback: boolean;
}

export function deploy(ctx: Context, env: SelectedEnvironment, request: DeployRequest, makeDriver: DriverFactory): Promise<DeployResult> {
  const label = `opsctl deploy${request.ref ? ` --ref ${request.ref}` : ''}`;
  return withRelease(ctx, env, { operation: 'deploy', label, makeDriver }, async (session, result) => {
    result.database = null;
    const s = await session.steps.run('preflight', 'config, repository, target, disk', () => preflight(session));
    const refName = request.ref ?? s.source.ref;
    const ref = await s.steps.run('resolve', refName, () => resolveRef(ctx.runner, s.layout.repo, refName), (r) => `${refName} is ${r.shortSha} ${clip(r.subject, 60)}`);
    result.release = { ...ref, ref: refName };
    if (!(await needsDeploy(s, ref, request.force))) {
      result.outcome = 'unchanged';
      ctx.log.info(`${ref.shortSha} already runs on ${env.name}: nothing to do (redeploy it with --force)`);
      return;
    }
    result.backup = await backupFirst(s, ref);
    const release = await prepareRelease(s, ref, { skipTests: request.skipTests ? '--skip-tests' : false });
    if (s.source.migrate.length > 0) {
      await migrateStep(s, release, (result.migrations = []));
      // A dry run only said what it would run: the database is as it was.
      if (!ctx.dryRun) result.database = await migratedState(env, release.sha, result.backup);
    }
    // From the switch on, the target may run the release even if opsctl is stopped mid-way.
    result.running = release.sha;
    const switched = await switchTo(s, release);
    if (!switched.switched) result.running = result.previous;
    result.health = switched.health;
    result.lastLines = switched.lastLines;
    if (switched.ok) {
      result.outcome = ctx.dryRun ? 'planned' : 'deployed';
      await keepReleases(s, result);
      return;
    }
    await afterFailure(s, ref, switched.error ?? 'the switch failed', request, result);
    await keepReleases(s, result);
  });
}

/** The switch or the gate failed: roll back to the last good release, unless told not to or there is none. */
async function afterFailure(s: SourceSession, ref: ResolvedRef, error: string, request: DeployRequest, result: DeployResult): Promise<void> {
  const { ctx } = s;
  result.error = error;
  result.outcome = 'failed';
  const back = rollbackTarget(s.ledger);
  // Under --dry-run a switch that cannot even be planned is the answer: nothing ran, nothing to undo.
  if (ctx.dryRun) ctx.log.error(`the switch to ${ref.shortSha} could not be planned: ${error}`);
  else if (!request.autoRollback) ctx.log.error(`release ${ref.shortSha} failed (${error}); --no-rollback: it stays in place for you to look at`);
  else if (!back) ctx.log.error(`release ${ref.shortSha} failed (${error}) and there is no earlier good release to roll back to`);
  else await rollBackTo(s, back, result);
  // The rollback switched the code only: the schema the migrations applied stays, and the result says so.
  if (result.rollback && result.database?.migrated) result.hint = schemaStaysHint(s.env, ref.sha, result.rollback, result.database);
}

/**
 * False when the release already runs and is up; throws when the gate failed it before and --force is
 * not given. History alone is not proof: someone may have stopped the app since, so the target is asked.
 */
async function needsDeploy(session: SourceSession, ref: ResolvedRef, force: boolean): Promise<boolean> {
  const { ledger, env, ctx } = session;
  if (force) return true;
  if (ledger.bad.has(ref.sha)) {
    const when = ledger.entries.get(ref.sha)?.startedAt;
    throw new UsageError(`Release ${ref.shortSha} failed its health gate on ${env.name}${when ? ` (${when})` : ''} and was marked bad.`, 'Deploy a fixed commit, or this one again with --force.');
  }
  if (ledger.current !== ref.sha) return true;
  // Interrupted during its gate, the release runs unverified: this deploy holds it to the gate again.
  if (!ledger.good.includes(ref.sha)) {
    ctx.log.warn(`${ref.shortSha} runs on ${env.name} but never passed the health gate (an interrupted deploy): deploying it again`);
    return true;
  }
  const sample = await session.driver.sample(preparedAt(session.layout, ref, imageFor(env, ref.sha)));
  if (!sample.ready) ctx.log.warn(`${ref.shortSha} is the deployed release, but ${session.driver.name} is not up on it (${sample.problems.join('; ') || sample.summary}): deploying it again`);
  return !sample.ready;
}

async function backupFirst(session: SourceSession, ref: ResolvedRef): Promise<string | null> {
  const { ctx, env, steps } = session;
  if (!env.config.backup?.beforeDeploy) return null;
  const parts = planParts(env);
  if (ctx.dryRun) {
    steps.skip('backup', `dry run: would back up ${parts.map((p) => p.name).join(', ')} first`);
    return null;
  }
  const dir = resolveFrom(env, env.config.backup.dir);
  const set = await steps.run('backup', parts.map((p) => p.name).join(', '), () => createSet(ctx, env, parts, { backupDir: dir, reason: `before deploy of ${ref.shortSha}` }), (s) => `set ${s.id}`);
  return set.id;
}

/** After a failed deploy: back to the release that ran before, verified by the same gate. */
async function rollBackTo(session: SourceSession, previous: string, result: DeployResult): Promise<void> {
  const { ctx } = session;
  ctx.log.warn(`rolling back to ${previous.slice(0, 7)}`);
  try {
    const ref = await resolveRef(ctx.runner, session.layout.repo, previous);
    const release = await prepareRelease(session, ref, { skipTests: ROLLBACK_SKIPS_CHECKS, reuseBuilt: true, prefix: 'rollback ' });
    // Stopped during the rollback's own switch, neither release is known to run: the journal says unknown.
    result.running = null;
    const back = await switchTo(session, release, 'rollback ');
    result.rollback = { to: previous, ok: back.ok, health: back.health, error: back.error };
    result.running = back.ok ? previous : null;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    result.rollback = { to: previous, ok: false, health: null, error: toOpsError(error).message };
    result.running = null;
  }
  result.outcome = result.rollback.ok ? 'rolled-back' : 'rollback-failed';
}

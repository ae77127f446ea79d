import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { toOpsError } from '../errors.js';
import { journalOf, recordOperation } from '../history/journal.js';
import { withLock } from '../history/lock.js';
import { foldersBeyond, linkedFolder, listReleaseFolders, releaseFolder, removeReleaseFolder } from './releases.js';
import { journalDetailsOf, journalResultOf, type DeployResult } from './result.js';
import { settleInterrupted, stoppedBeforeSwitch } from './interrupted.js';
import { openSession, type DriverFactory, type Session, type SourceSession } from './session.js';
import { Steps } from './steps.js';

export interface OperationSpec {
  operation: DeployResult['operation'];
  /** The lock holder's command line, for `lock status` and the locked message. */
  label: string;
  makeDriver: DriverFactory;
}

type Body = (session: Session, result: DeployResult) => Promise<void>;

/**
 * Lock, session, journal: the frame of deploy and rollback. A failure after the lock is a result
 * (outcome failed, the steps say where) so CI gets the JSON; bad usage, config, a missing tool and
 * interruption still throw for their own exit codes. Interrupted after the switch, the journal says
 * what may run now before the interruption is passed on. --dry-run takes no lock and journals nothing.
 */
export async function withRelease(ctx: Context, env: SelectedEnvironment, spec: OperationSpec, body: Body): Promise<DeployResult> {
  const steps = new Steps(ctx.log, () => ctx.now(), ctx.dryRun);
  const started = ctx.now();
  let began = false;
  const attempt = async (): Promise<DeployResult> => {
    began = true;
    const session = await openSession(ctx, env, spec.makeDriver, steps);
    const result = emptyResult(session, spec.operation);
    try {
      await body(session, result);
    } catch (error) {
      const switched = result.running !== result.previous;
      if (ctx.signal.aborted && !switched && !ctx.dryRun) ctx.log.warn(stoppedBeforeSwitch(session, result));
      if (ctx.signal.aborted && switched) result.outcome = 'interrupted';
      else if (ctx.signal.aborted || toOpsError(error).exitCode !== 1) throw error;
      else result.outcome = 'failed';
      const failure = toOpsError(error);
      result.error = failure.message;
      // Interrupted past the switch, the record and the link are made to say what runs; the hint says what was done.
      result.hint = result.outcome === 'interrupted' ? await settleInterrupted(session, result) : (failure.hint ?? null);
    }
    result.durationMs = ctx.now() - started;
    return result;
  };
  if (ctx.dryRun) return attempt();
  const result = await withLock(env.stateDir, env.name, spec.label, () =>
    recordOperation(journalOf(ctx, env), spec.operation, async () => {
      const value = await attempt();
      return { value, result: journalResultOf(value), details: value.release ? journalDetailsOf(value) : { outcome: value.outcome, error: value.error } };
    }),
  ).catch((error: unknown) => {
    // Stopped while --lock-wait waited: nothing of this run started, so nothing is left to clean up.
    if (ctx.signal.aborted && !began) ctx.log.warn(`${spec.operation} stopped while waiting for the lock: nothing was started on ${env.name}.`);
    throw error;
  });
  if (result.outcome === 'interrupted') {
    // The JSON result says what runs now; the exit code stays the interruption's.
    ctx.log.error(`${spec.operation} interrupted after the switch on ${env.name}: ${result.hint}`);
  }
  return result;
}

function emptyResult(session: Session, operation: DeployResult['operation']): DeployResult {
  const { ctx, env, driver, ledger } = session;
  return {
    operation,
    environment: env.name,
    app: env.app,
    target: `${driver.kind} ${driver.name}`,
    dryRun: ctx.dryRun,
    outcome: 'failed',
    release: null,
    previous: ledger.current,
    running: ledger.current,
    backup: null,
    restored: null,
    steps: session.steps.records,
    health: null,
    rollback: null,
    error: null,
    lastLines: [],
    hint: null,
    durationMs: 0,
  };
}

/** Release folders beyond source.keepReleases go once the target runs a verified release; never what runs. */
export async function keepReleases(session: SourceSession, result: DeployResult): Promise<void> {
  const { ctx, layout, ledger, source } = session;
  if (ctx.dryRun || !result.running) return;
  const good = result.health?.passed && result.release ? [result.release.sha, ...ledger.good] : ledger.good;
  const pinned = [result.running, result.release?.sha ?? null, await linkedFolder(layout.releasesDir)];
  const doomed = foldersBeyond(await listReleaseFolders(layout.releasesDir), pinned, good, source.keepReleases);
  for (const name of doomed) {
    await removeReleaseFolder(ctx, layout.repo, releaseFolder(layout.releasesDir, name)).catch((error: unknown) =>
      ctx.log.warn(`could not remove the old release folder ${name}: ${(error as Error).message}`),
    );
  }
  if (doomed.length > 0) ctx.log.debug(`removed ${doomed.length} old release folder(s), keeping ${source.keepReleases} (source.keepReleases)`);
}

import { toOpsError } from '../errors.js';
import type { OperationResult } from '../history/journal.js';
import type { GateResult } from './gate.js';
import type { ReleaseDetails } from './ledger.js';
import type { DatabaseState, MigrationRun } from './migrate.js';
import { VERDICT_STEPS, type StepRecord } from './steps.js';

export type DeployOutcome = 'deployed' | 'unchanged' | 'planned' | 'failed' | 'rolled-back' | 'rollback-failed' | 'interrupted';

/** The result of deploy and rollback, for --json, the human summary, GITHUB_STEP_SUMMARY and the journal. */
export interface DeployResult {
  operation: 'deploy' | 'rollback';
  environment: string;
  app: string;
  target: string;
  dryRun: boolean;
  outcome: DeployOutcome;
  release: { sha: string; shortSha: string; subject: string; ref: string | null } | null;
  /** What ran before. */
  previous: string | null;
  /** What runs now, as far as opsctl knows (null: unknown, see `error`). */
  running: string | null;
  backup: string | null;
  /** rollback --restore-db: the set restored. */
  restored: string | null;
  /** source.migrate as it ran (deploy only): command, exit code and output. */
  migrations?: MigrationRun[];
  /** deploy: the schema its migrations left (null: none ran to the end). An automatic rollback leaves it applied. */
  database?: DatabaseState | null;
  steps: StepRecord[];
  health: GateResult | null;
  /** The automatic rollback after a failed deploy. */
  rollback: { to: string; ok: boolean; health: GateResult | null; error: string | null } | null;
  error: string | null;
  /** After a failed switch or gate: the release's own stderr and error-level lines since the switch, "<source>: <line>". */
  lastLines: string[];
  /** What to do about `error`, when the failure said. */
  hint: string | null;
  durationMs: number;
}

/** Outcomes that leave a verified release running (or nothing changed): a deploy that had to roll back is not one. */
const SUCCESS: ReadonlySet<DeployOutcome> = new Set<DeployOutcome>(['deployed', 'unchanged', 'planned']);

export function succeeded(result: Pick<DeployResult, 'operation' | 'outcome'>): boolean {
  return SUCCESS.has(result.outcome) || (result.operation === 'rollback' && result.outcome === 'rolled-back');
}

/** 0 when the release runs verified (or nothing changed); an interruption keeps its own code (130, or 1 for --timeout). */
export function exitCodeOf(result: DeployResult, signal?: AbortSignal): number {
  if (result.outcome === 'interrupted') return toOpsError(signal?.reason).exitCode;
  return succeeded(result) ? 0 : 1;
}

export function journalResultOf(result: DeployResult): OperationResult {
  if (result.outcome === 'interrupted') return 'interrupted';
  if (result.operation === 'deploy' && result.outcome === 'rolled-back') return 'rolled-back';
  return exitCodeOf(result) === 0 ? 'success' : 'failed';
}

/** The health gate's verdict on the release, as the ledger keeps it. */
function verdictOf(result: DeployResult): ReleaseDetails['verdict'] {
  if (result.health?.passed) return 'good';
  // Stopped by Ctrl-C or --timeout, the gate gave no verdict: the release may be fine.
  if (result.outcome === 'interrupted') return 'untested';
  // Failed at its own switch or gate (not a rollback's, not a build): the release itself is at fault.
  const failed = result.steps.find((s) => s.status === 'failed');
  return failed && VERDICT_STEPS.has(failed.name) ? 'bad' : 'untested';
}

export function journalDetailsOf(result: DeployResult): Record<string, unknown> {
  const release: ReleaseDetails = {
    release: result.release!.sha,
    shortSha: result.release!.shortSha,
    subject: result.release!.subject,
    previous: result.previous,
    running: result.running,
    verdict: verdictOf(result),
    backup: result.backup,
  };
  return {
    ...release,
    ref: result.release!.ref,
    outcome: result.outcome,
    target: result.target,
    steps: result.steps.map((s) => `${s.name} ${s.status} ${s.durationMs}ms`),
    health: result.health && gateDetails(result.health),
    rollback: result.rollback && { to: result.rollback.to, ok: result.rollback.ok, error: result.rollback.error },
    restored: result.restored,
    ...(result.database ? { database: result.database } : {}),
    // The ledger's mark: rollback across this release needs --restore-db or --force (deploy/migrate.ts).
    ...(result.migrations?.length && result.migrations.every((m) => m.exitCode === 0) ? { migrations: result.migrations.map((m) => m.command) } : {}),
    error: result.error,
  };
}

/** The gate's verdict and when it started (the switch done) and ended: how fast a crash loop was caught. */
function gateDetails(gate: GateResult): Record<string, unknown> {
  return { passed: gate.passed, rounds: gate.rounds, reason: gate.reason, startedAt: gate.startedAt, endedAt: gate.endedAt, conclusive: gate.conclusive };
}

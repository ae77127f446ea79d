import { confirmByTyping } from '../output/confirm.js';
import { formatDuration, parseDuration } from '../config/duration.js';
import { withDeadline } from '../process/deadline.js';
import type { Context } from '../context.js';
import { InterruptedError, OpsError, UsageError } from '../errors.js';
import { conditionsOf, describeCondition, evaluate } from './condition.js';
import { interrupted, passStderr } from './step-child.js';
import { judge } from './judge.js';
import { stepCommand, shownArgv, type PlannedStep, type RunSettings } from './plan.js';
import { stepLabel } from './load.js';
import { substitute } from './params.js';
import type { StepReport } from './step-report.js';

/** Runs the steps in order; a failed step stops the run unless it may fail (continueOnError). */
export async function runSteps(ctx: Context, steps: readonly PlannedStep[], settings: RunSettings, onFinished?: (report: StepReport, planned: PlannedStep) => Promise<void>): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  let stopped = false;
  for (const planned of steps) {
    const report = blankReport(planned, settings);
    reports.push(report);
    if (stopped) continue;
    if (planned.kind === 'check') {
      checkOne(ctx, planned, report, reports[planned.of!]!, steps.length);
      stopped = report.result === 'failed' && !report.continueOnError;
      continue;
    }
    if (ctx.dryRun) {
      // The argv as it would run once the step's question is answered.
      await ctx.runner.run(stepCommand(planned, settings, planned.step.confirm !== false));
      report.result = 'planned';
      continue;
    }
    if (!(await confirmStep(ctx, planned, settings, steps.length))) {
      report.result = 'declined';
      stopped = true;
      continue;
    }
    await runOne(ctx, planned, settings, report, steps.length);
    await onFinished?.(report, planned);
    stopped = report.result === 'failed' && !report.continueOnError;
  }
  return reports;
}

function blankReport(planned: PlannedStep, settings: RunSettings): StepReport {
  const { step } = planned;
  return {
    step: planned.index + 1,
    name: planned.name,
    kind: planned.kind,
    env: planned.env,
    argv: shownArgv(planned, settings),
    continueOnError: step.continueOnError,
    result: 'skipped',
    exitCode: null,
    durationMs: null,
    checks: [],
    error: null,
    output: null,
  };
}

/** --yes answers every question; a wrong answer declines the step and stops the run. */
async function confirmStep(ctx: Context, planned: PlannedStep, settings: RunSettings, total: number): Promise<boolean> {
  const { confirm } = planned.step;
  if (confirm === false || settings.yes) return true;
  const question = typeof confirm === 'string' ? substitute(confirm, settings.params) : `Run ${stepLabel(planned.index, planned.name)} of ${total}: ${shownArgv(planned, settings).join(' ')}?`;
  try {
    await confirmByTyping(question, planned.env ?? settings.environment, `${stepLabel(planned.index, planned.name)} and the steps after it were not run`, ctx.signal);
    return true;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    ctx.log.error(error.message);
    return false;
  }
}

/** A step with only a check: the conditions against an earlier step's result (planned under --dry-run). */
function checkOne(ctx: Context, planned: PlannedStep, report: StepReport, checked: StepReport, total: number): void {
  const conditions = conditionsOf(planned.step);
  if (ctx.dryRun) {
    ctx.log.plan(`would check the result of step ${checked.step} (${checked.name}): ${conditions.map(describeCondition).join('; ')}`);
    report.result = 'planned';
    return;
  }
  const progress = ctx.log.step(`${report.step}/${total} ${planned.name}: the result of step ${checked.step} (${checked.name})`);
  report.checks = conditions.map((c) => evaluate(c, checked.output ?? null));
  report.result = report.checks.every((c) => c.ok) ? 'passed' : 'failed';
  report.durationMs = 0;
  finishLine(ctx, report, total, progress);
}

async function runOne(ctx: Context, planned: PlannedStep, settings: RunSettings, report: StepReport, total: number): Promise<void> {
  const progress = ctx.log.step(`${report.step}/${total} ${planned.name}: ${report.argv.join(' ')}`);
  const started = Date.now();
  try {
    const cmd = stepCommand(planned, settings, planned.step.confirm !== false);
    const result = planned.step.timeout
      ? await withDeadline(parseDuration(planned.step.timeout)!, (signal) => ctx.runner.run(cmd, { allowFailure: true, signal }))
      : await ctx.runner.run(cmd, { allowFailure: true });
    report.exitCode = result.exitCode;
    if (result.exitCode === 130 && (await interrupted(ctx.signal))) throw new InterruptedError('Interrupted.', 'The step was stopped; run the runbook again when ready.');
    passStderr(ctx, planned, result.stderr);
    judge(planned, report, result.stdout, result.stderr);
  } catch (error) {
    if (ctx.signal.aborted || error instanceof InterruptedError) throw error;
    report.result = 'failed';
    const timedOut = error instanceof Error && error.name === 'TimeoutError' && !(error instanceof OpsError);
    report.error = timedOut
      ? { message: `Timed out after ${planned.step.timeout}.`, hint: 'Raise the step\'s timeout, or find out with --verbose what is slow.' }
      : { message: (error as Error).message, hint: error instanceof OpsError ? (error.hint ?? null) : null };
    if (error instanceof OpsError) report.exitCode = error.exitCode;
  }
  report.durationMs = Date.now() - started;
  finishLine(ctx, report, total, progress);
}

function finishLine(ctx: Context, report: StepReport, total: number, progress: { done(t?: string): void; fail(t?: string): void }): void {
  const label = `${report.step}/${total} ${report.name}`;
  const failedChecks = report.checks.filter((c) => !c.ok).map((c) => c.detail);
  if (report.result === 'passed') return progress.done(`${label}: passed${report.checks.length ? ` (${report.checks.map((c) => c.detail).join('; ')})` : ''}`);
  if (report.result === 'warning') return progress.done(`${label}: degraded (exit ${report.exitCode})`);
  const why = report.error?.message.split('\n')[0] ?? failedChecks.join('; ');
  progress.fail(`${label}: failed${report.continueOnError ? ', going on (continueOnError)' : ''}: ${why}`);
  if (report.error?.hint) ctx.log.info(`  ${report.error.hint}`);
}

/** For the summary line: how long a step took. */
export function formatStepDuration(report: StepReport): string {
  return report.durationMs === null ? '-' : formatDuration(report.durationMs);
}

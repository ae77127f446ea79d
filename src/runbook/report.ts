import { conditionsOf, describeCondition } from './condition.js';
import { substitute } from './params.js';
import { planSteps, shownArgv, type PlannedStep, type RunSettings } from './plan.js';
import type { StepReport } from './step-report.js';
import type { Runbook } from './schema.js';

export interface RunbookSummary {
  name: string;
  description: string;
  source: Runbook['source'];
  file: string;
  steps: number;
}

export interface DescribedStep {
  step: number;
  name: string;
  description: string | null;
  kind: PlannedStep['kind'];
  env: string | null;
  argv: string[];
  continueOnError: boolean;
  confirm: boolean | string;
  exitCodes: number[];
  timeout: string | null;
  checks: string[];
  /** A check-only step: the number of the step whose result it checks. */
  of: number | null;
}

export interface DescribedRunbook extends RunbookSummary {
  params: Record<string, string>;
  stepList: DescribedStep[];
}

export type RunOutcome = 'passed' | 'warning' | 'failed' | 'declined' | 'planned';

export type RunbookData =
  | { action: 'list'; shippedDir: string; userDir: string | null; runbooks: RunbookSummary[] }
  | { action: 'show'; runbook: DescribedRunbook }
  | {
      action: 'run';
      runbook: RunbookSummary;
      environment: string;
      dryRun: boolean;
      params: Readonly<Record<string, string>>;
      result: RunOutcome;
      exitCode: number;
      durationMs: number;
      steps: StepReport[];
    };

export function summarize(book: Runbook): RunbookSummary {
  return { name: book.name, description: book.description, source: book.source, file: book.file, steps: book.steps.length };
}

export function describeRunbook(book: Runbook, settings: RunSettings): DescribedRunbook {
  const stepList = planSteps(book, settings).map((planned): DescribedStep => {
    const { step } = planned;
    return {
      step: planned.index + 1,
      name: planned.name,
      description: step.description === undefined ? null : substitute(step.description, settings.params),
      kind: planned.kind,
      env: planned.env,
      argv: shownArgv(planned, settings),
      continueOnError: step.continueOnError,
      confirm: typeof step.confirm === 'string' ? substitute(step.confirm, settings.params) : step.confirm,
      exitCodes: step.exitCodes ?? [0],
      timeout: step.timeout ?? null,
      checks: conditionsOf(step).map(describeCondition),
      of: planned.of === null ? null : planned.of + 1,
    };
  });
  const params = Object.fromEntries(Object.keys(book.params).map((key) => [key, settings.params[key]!]));
  return { ...summarize(book), params, stepList };
}

/**
 * Exit 1 when a step that had to pass failed (the run stopped there); 2 when a question was declined;
 * 3 when every such step passed but something needs a look (a degraded step, a failed continueOnError step).
 */
export function outcomeOf(reports: readonly StepReport[], dryRun: boolean): { result: RunOutcome; exitCode: number } {
  if (dryRun) return { result: 'planned', exitCode: 0 };
  if (reports.some((r) => r.result === 'declined')) return { result: 'declined', exitCode: 2 };
  if (reports.some((r) => r.result === 'failed' && !r.continueOnError)) return { result: 'failed', exitCode: 1 };
  if (reports.some((r) => r.result === 'warning' || r.result === 'failed')) return { result: 'warning', exitCode: 3 };
  return { result: 'passed', exitCode: 0 };
}

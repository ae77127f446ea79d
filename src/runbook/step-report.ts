// What one step of a run reports: run-steps fills it in, judge decides its result, report and render show it.
import type { CheckOutcome } from './condition.js';
import type { PlannedStep } from './plan.js';

/**
 * passed: exit code allowed and every check held. warning: an opsctl step exited 3 (degraded).
 * failed: anything else. declined: its question was not answered. skipped: an earlier step stopped the run.
 * planned: --dry-run.
 */
export type StepResult = 'passed' | 'warning' | 'failed' | 'declined' | 'skipped' | 'planned';

export interface StepReport {
  step: number;
  name: string;
  kind: PlannedStep['kind'];
  env: string | null;
  argv: string[];
  continueOnError: boolean;
  result: StepResult;
  exitCode: number | null;
  durationMs: number | null;
  checks: CheckOutcome[];
  error: { message: string; hint: string | null } | null;
  /** An opsctl step's JSON result; an external command's JSON, or its output's last 4000 characters. */
  output: unknown;
}

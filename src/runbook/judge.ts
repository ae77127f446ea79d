import { conditionsOf, evaluate } from './condition.js';
import type { PlannedStep } from './plan.js';
import type { StepReport } from './step-report.js';

/** opsctl's exit code for degraded: a warning, not a failure. */
const DEGRADED = 3;
const OUTPUT_TAIL = 4000;

/** The result from the exit code, the error document and the checks. */
export function judge(planned: PlannedStep, report: StepReport, stdout: string, stderr: string): void {
  const { step } = planned;
  const parsed = parseOutput(stdout);
  report.output = parsed === undefined ? (planned.kind === 'run' ? stdout.trim().slice(-OUTPUT_TAIL) : null) : parsed;
  const failure = errorDocument(parsed);
  const allowed = (step.exitCodes ?? [0]).includes(report.exitCode!);
  if (failure) report.error = failure;
  if (failure || !allowed) {
    report.result = planned.kind === 'opsctl' && report.exitCode === DEGRADED && !failure ? 'warning' : 'failed';
    if (report.result === 'failed' && !report.error) report.error = { message: `exited with code ${report.exitCode}${lastLine(stderr)}`, hint: null };
    if (report.result === 'failed') return;
  }
  report.checks = conditionsOf(step).map((c) => evaluate(c, parsed ?? null));
  if (report.checks.some((c) => !c.ok)) report.result = 'failed';
  else if (report.result !== 'warning') report.result = 'passed';
}

/** One JSON document; else one record per line (logs --json); undefined when it is not JSON at all. */
export function parseOutput(stdout: string): unknown {
  const text = stdout.trim();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    try {
      return text.split(/\r?\n/).map((line) => JSON.parse(line) as unknown);
    } catch {
      return undefined;
    }
  }
}

function errorDocument(parsed: unknown): StepReport['error'] {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !('error' in parsed)) return null;
  const error = (parsed as { error: { message?: unknown; hint?: unknown } }).error;
  if (!error || typeof error.message !== 'string') return null;
  return { message: error.message, hint: typeof error.hint === 'string' ? error.hint : null };
}

function lastLine(stderr: string): string {
  const line = stderr.trim().split(/\r?\n/).at(-1);
  return line ? `: ${line}` : '';
}


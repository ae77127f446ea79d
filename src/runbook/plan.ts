import { command, type Command } from '../process/command.js';
import { substitute } from './params.js';
import type { Runbook, Step } from './schema.js';

/** What every opsctl step inherits from the run: the config file, the environment and the global flags. */
export interface RunSettings {
  /** The argv that starts this opsctl again (process/self's selfArgv): node and the entry script, or the single executable. */
  self: readonly string[];
  configFile: string;
  environment: string;
  params: Readonly<Record<string, string>>;
  yes: boolean;
  /** How many runbook runs are above this one (a step may run `opsctl runbook run`). */
  depth: number;
}

/** Passed to opsctl steps: a runbook that runs itself ends here instead of forking forever. */
export const DEPTH_VARIABLE = 'OPSCTL_RUNBOOK_DEPTH';
export const MAX_DEPTH = 5;

export interface PlannedStep {
  index: number;
  name: string;
  kind: 'opsctl' | 'run' | 'check';
  /** The environment of an opsctl step; null for the others. */
  env: string | null;
  /** A check-only step: the index of the step whose result it checks. */
  of: number | null;
  step: Step;
}

/** The steps with their params filled in: pure, so `show`, `--dry-run` and the run agree. */
export function planSteps(book: Runbook, settings: RunSettings): PlannedStep[] {
  return book.steps.map((step, index) => ({
    index,
    name: substitute(step.name, settings.params),
    kind: step.opsctl ? 'opsctl' : step.run ? 'run' : 'check',
    env: step.opsctl ? substitute(step.env ?? settings.environment, settings.params) : null,
    of: step.opsctl || step.run ? null : checkedStep(book, index),
    step,
  }));
}

/** The earlier step a check-only step checks: the one named by `of`, else the previous one (validation made sure it exists). */
export function checkedStep(book: Pick<Runbook, 'steps'>, index: number): number {
  const { of } = book.steps[index]!;
  return of === undefined ? index - 1 : book.steps.findIndex((s, i) => i < index && s.name === of);
}

/**
 * The child process of a step. An opsctl step is this opsctl again with --json, so its result can be
 * checked; `confirmed` adds --yes, as the user has answered the step's question (or passed --yes).
 * Never read-only: a step may change anything, so --dry-run only shows it.
 */
export function stepCommand(planned: PlannedStep, settings: RunSettings, confirmed: boolean): Command {
  const { step } = planned;
  if (!step.opsctl) {
    const [file, ...args] = step.run!.map((arg) => substitute(arg, settings.params));
    return command(file!, args, { readOnly: false });
  }
  const globals = ['--json', '--config', settings.configFile, '--env', planned.env!];
  if (settings.yes || confirmed) globals.push('--yes');
  const args = step.opsctl.map((arg) => substitute(arg, settings.params));
  const [file, ...prefix] = settings.self;
  return command(file!, [...prefix, ...globals, ...args], { readOnly: false, env: { [DEPTH_VARIABLE]: String(settings.depth + 1) } });
}

/** The argv as people read it: "opsctl health-check --only api" rather than the node and script paths. */
export function shownArgv(planned: PlannedStep, settings: RunSettings): string[] {
  if (planned.kind === 'check') return [];
  if (!planned.step.opsctl) return planned.step.run!.map((arg) => substitute(arg, settings.params));
  return ['opsctl', '-e', planned.env!, ...planned.step.opsctl.map((arg) => substitute(arg, settings.params))];
}

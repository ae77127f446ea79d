import type { Logger } from '../output/logger.js';

export type StepStatus = 'ok' | 'failed' | 'skipped' | 'planned';

/**
 * Every step of deploy and rollback, in the order they run. The dry-run planner (`planned` below) and the
 * ledger's verdict (result.ts) compare against these, so a renamed step is a type error, not a silent miss.
 */
export const STEP_NAMES = ['preflight', 'resolve', 'backup', 'prepare', 'build', 'checks', 'verify', 'migrate', 'restore', 'switch', 'health'] as const;
export type StepKind = (typeof STEP_NAMES)[number];
/** An automatic rollback after a failed deploy runs its own steps under this prefix. */
export type StepPrefix = '' | 'rollback ';
export type StepName = `${StepPrefix}${StepKind}`;

/** Steps that change something: under --dry-run their commands are only printed, so they are "planned". */
export const CHANGING_STEPS: ReadonlySet<StepKind> = new Set<StepKind>(['prepare', 'build', 'checks', 'migrate', 'switch', 'restore']);
/** Steps whose failure is the release's own fault: the ledger marks it bad. */
export const VERDICT_STEPS: ReadonlySet<StepName> = new Set<StepName>(['switch', 'health']);

/** The step without its rollback prefix: `rollback switch` is a `switch`. */
export function kindOf(name: StepName): StepKind {
  return name.replace(/^rollback /, '') as StepKind;
}

export interface StepRecord {
  name: StepName;
  status: StepStatus;
  durationMs: number;
  detail: string | null;
}

/** Runs named steps in order, shows each as it runs, and keeps what happened for the result and the journal. */
export class Steps {
  readonly records: StepRecord[] = [];

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly dryRun: boolean,
  ) {}

  /** Runs `fn` as step `name`; `describe` turns its value into the step's detail. A throw marks the step failed and is rethrown. */
  async run<T>(name: StepName, label: string, fn: () => Promise<T>, describe?: (value: T) => string | undefined): Promise<T> {
    const started = this.now();
    const handle = this.log.step(`${name}: ${label}`);
    try {
      const value = await fn();
      const detail = describe?.(value) ?? null;
      this.records.push({ name, status: this.dryRun && CHANGING_STEPS.has(kindOf(name)) ? 'planned' : 'ok', durationMs: this.now() - started, detail });
      handle.done(`${name}: ${detail ?? label}`);
      return value;
    } catch (error) {
      const detail = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      this.records.push({ name, status: 'failed', durationMs: this.now() - started, detail });
      handle.fail(`${name}: ${detail}`);
      throw error;
    }
  }

  skip(name: StepName, why: string): void {
    this.records.push({ name, status: 'skipped', durationMs: 0, detail: why });
    this.log.info(`${name}: skipped (${why})`);
  }
}

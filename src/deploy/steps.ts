import type { Logger } from '../output/logger.js';

export type StepStatus = 'ok' | 'failed' | 'skipped' | 'planned';

/** Steps that change something: under --dry-run their commands are only printed, so they are "planned". */
const CHANGING = /(^|\s)(prepare|build|checks|switch|restore)$/;

export interface StepRecord {
  name: string;
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
  async run<T>(name: string, label: string, fn: () => Promise<T>, describe?: (value: T) => string | undefined): Promise<T> {
    const started = this.now();
    const handle = this.log.step(`${name}: ${label}`);
    try {
      const value = await fn();
      const detail = describe?.(value) ?? null;
      this.records.push({ name, status: this.dryRun && CHANGING.test(name) ? 'planned' : 'ok', durationMs: this.now() - started, detail });
      handle.done(`${name}: ${detail ?? label}`);
      return value;
    } catch (error) {
      const detail = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      this.records.push({ name, status: 'failed', durationMs: this.now() - started, detail });
      handle.fail(`${name}: ${detail}`);
      throw error;
    }
  }

  skip(name: string, why: string): void {
    this.records.push({ name, status: 'skipped', durationMs: 0, detail: why });
    this.log.info(`${name}: skipped (${why})`);
  }
}

import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/output/logger.js';
import { kindOf, STEP_NAMES, Steps, type StepName } from '../../../src/deploy/steps.js';

const quiet = () => undefined;
const log: Logger = { info: quiet, warn: quiet, error: quiet, debug: quiet, plan: quiet, notice: quiet, step: () => ({ done: quiet, fail: quiet }) };

async function runAll(dryRun: boolean, names: readonly StepName[]): Promise<Record<string, string>> {
  const steps = new Steps(log, () => 0, dryRun);
  for (const name of names) await steps.run(name, 'label', async () => undefined);
  return Object.fromEntries(steps.records.map((r) => [r.name, r.status]));
}

describe('deploy steps', () => {
  it('under --dry-run the steps that change something are "planned", also as rollback steps; the read-only ones ran', async () => {
    const rollbackNames = STEP_NAMES.map((name): StepName => `rollback ${name}`);
    expect(await runAll(true, [...STEP_NAMES, ...rollbackNames])).toMatchObject({
      preflight: 'ok', resolve: 'ok', backup: 'ok', prepare: 'planned', build: 'planned', checks: 'planned', verify: 'ok', migrate: 'planned', restore: 'planned', switch: 'planned', health: 'ok',
      'rollback prepare': 'planned', 'rollback build': 'planned', 'rollback switch': 'planned', 'rollback health': 'ok',
    });
  });

  it('without --dry-run every step that returned is ok', async () => {
    expect(Object.values(await runAll(false, STEP_NAMES))).toEqual(STEP_NAMES.map(() => 'ok'));
  });

  it('kindOf drops the rollback prefix only', () => {
    expect(kindOf('rollback switch')).toBe('switch');
    expect(kindOf('health')).toBe('health');
  });
});

import { describe, expect, it } from 'vitest';
import type { PlannedStep } from '../../../src/runbook/plan.js';
import { stepSchema } from '../../../src/runbook/schema.js';
import type { StepReport } from '../../../src/runbook/step-report.js';
import { showStepOutput } from '../../../src/runbook/step-output.js';
import { createTestContext } from '../../support/context.js';

const CONFIG = 'version: 1\napp: shop\nenvironments:\n  production:\n    target: { pm2: { script: server.js } }\n';

function planned(opsctl: string[]): PlannedStep {
  return { index: 0, name: 'check', kind: 'opsctl', env: 'production', of: null, step: stepSchema.parse({ name: 'check', opsctl }) };
}

function report(output: unknown): StepReport {
  return { step: 1, name: 'check', kind: 'opsctl', env: 'production', argv: [], continueOnError: false, result: 'passed', exitCode: 0, durationMs: 5, checks: [], error: null, output };
}

const HEALTH = {
  environment: 'production',
  state: 'healthy',
  durationMs: 12,
  probes: [{ name: 'api', kind: 'http', target: 'http://127.0.0.1:1/health', state: 'healthy', reason: 'HTTP 200', attempts: 1, durationMs: 3 }],
};

describe('showStepOutput', () => {
  it('renders an opsctl step\'s JSON with that command\'s own render, loaded through ctx.loadCommand', async () => {
    const t = createTestContext({ config: CONFIG });
    await showStepOutput(t.ctx)!(report(HEALTH), planned(['health-check', '--only', 'api']));
    const shown = t.stdout.join('');
    expect(shown).toContain('── 1. check');
    expect(shown).toMatch(/probe\s.*kind\s.*state/);
    expect(shown).toContain('production: healthy');
  });

  it('shows the JSON when the step names no command opsctl has', async () => {
    const t = createTestContext({ config: CONFIG });
    await showStepOutput(t.ctx)!(report({ ok: true }), planned(['no-such-command']));
    expect(t.stdout.join('')).toContain('{"ok":true}');
  });

  it('shows nothing under --json: the run\'s own document holds every output', () => {
    expect(showStepOutput(createTestContext({ config: CONFIG, json: true }).ctx)).toBeUndefined();
  });
});

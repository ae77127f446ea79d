import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeployResult } from '../../../src/deploy/result.js';
import { writeStepSummary } from '../../../src/deploy/step-summary.js';
import type { Logger } from '../../../src/output/logger.js';
import { createEffects } from '../../../src/process/effects.js';
import { tempDir } from '../helpers.js';

const result: DeployResult = {
  operation: 'deploy', environment: 'production', app: 'shop', target: 'pm2 shop', dryRun: false, outcome: 'rolled-back',
  release: { sha: 'b'.repeat(40), shortSha: 'bbbbbbb', subject: 'fix | cache', ref: 'main' }, previous: 'a'.repeat(40), running: 'a'.repeat(40),
  backup: null, restored: null, health: null, rollback: { to: 'a'.repeat(40), ok: true, health: null, error: null },
  steps: [{ name: 'health', status: 'failed', durationMs: 20_000, detail: 'api: HTTP 500' }, { name: 'rollback switch', status: 'ok', durationMs: 1500, detail: null }],
  error: 'api: HTTP 500', lastLines: [], hint: null, durationMs: 25_000,
};

function ctxWith(env: Record<string, string>, warnings: string[] = [], dryRun = false, planned: string[] = []) {
  const log = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
  return { env, log, effects: createEffects({ dryRun, log: (line) => planned.push(line) }) };
}

describe('GITHUB_STEP_SUMMARY', () => {
  it('appends a markdown heading, the headline and the steps table (pipes escaped) to the job summary', async () => {
    const file = path.join(tempDir(), 'summary.md');
    await writeStepSummary(ctxWith({ GITHUB_STEP_SUMMARY: file }), result);
    await writeStepSummary(ctxWith({ GITHUB_STEP_SUMMARY: file }), { ...result, outcome: 'deployed' });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('### opsctl deploy production: rolled-back');
    expect(text).toContain('Rolled back to aaaaaaa, which passed the health gate.');
    expect(text).toContain('| health | failed | 20s | api: HTTP 500 |');
    expect(text).toContain('### opsctl deploy production: deployed');
  });

  it('writes nothing without the variable or for a dry run (it says what it would append); an unwritable file is only a warning', async () => {
    const dir = tempDir();
    const planned: string[] = [];
    await writeStepSummary(ctxWith({ GITHUB_STEP_SUMMARY: path.join(dir, 'dry.md') }, [], true, planned), { ...result, dryRun: true });
    expect(() => readFileSync(path.join(dir, 'dry.md'))).toThrow();
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatch(/^would append \d+ bytes to /);
    expect(planned[0]!.endsWith(path.join(dir, 'dry.md'))).toBe(true);
    const warnings: string[] = [];
    await writeStepSummary(ctxWith({ GITHUB_STEP_SUMMARY: path.join(dir, 'missing', 'summary.md') }, warnings), result);
    expect(warnings.join()).toMatch(/could not write GITHUB_STEP_SUMMARY/);
  });
});

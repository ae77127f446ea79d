import { describe, expect, it } from 'vitest';
import { InterruptedError, ToolMissingError, UsageError } from '../../../src/errors.js';
import { run as runbookCommand } from '../../../src/commands/runbook.js';
import { parseRunbook } from '../../../src/runbook/load.js';
import { planSteps, type RunSettings } from '../../../src/runbook/plan.js';
import { outcomeOf } from '../../../src/runbook/report.js';
import { runSteps } from '../../../src/runbook/run-steps.js';
import { createTestContext } from '../../support/context.js';
import type { Expected } from '../../support/scripted-runner.js';
import { caught } from '../helpers.js';

const CONFIG = 'version: 1\napp: shop\nrunbooks: books\nenvironments:\n  production:\n    target: { pm2: { name: shop, script: server.js } }\n';
const SELF = ['/usr/bin/node', '/opt/opsctl.js'];
const settings: RunSettings = { self: SELF, configFile: '/srv/opsctl.yaml', environment: 'production', params: { env: 'production' }, yes: false, depth: 0 };

/** What the scripted runner answers for `opsctl <args>` run as a step. */
function opsctl(args: string[], exitCode: number, output: unknown, extraGlobals: string[] = []): Expected {
  return { file: SELF[0]!, args: [SELF[1]!, '--json', '--config', '/srv/opsctl.yaml', '--env', 'production', ...extraGlobals, ...args], exitCode, stdout: JSON.stringify(output), readOnly: false };
}

function book(steps: string) {
  return parseRunbook('/rb/t.yaml', `name: t\ndescription: test\nsteps:\n${steps}`, 'user');
}

async function runBook(steps: string, commands: Expected[], options: { dryRun?: boolean } = {}) {
  const t = createTestContext({ config: CONFIG, environment: 'production', commands, dryRun: options.dryRun });
  const reports = await runSteps(t.ctx, planSteps(book(steps), settings), settings);
  return { reports, outcome: outcomeOf(reports, Boolean(options.dryRun)), t };
}

const THREE = '  - { name: status, opsctl: [status] }\n  - { name: health, opsctl: [health-check] }\n  - { name: doctor, opsctl: [doctor] }\n';

describe('running runbook steps', () => {
  it('all pass: exit 0, each step with its exit code, duration and JSON result', async () => {
    const { reports, outcome } = await runBook(THREE, [opsctl(['status'], 0, { a: 1 }), opsctl(['health-check'], 0, { state: 'healthy' }), opsctl(['doctor'], 0, { ok: true })]);
    expect(outcome).toEqual({ result: 'passed', exitCode: 0 });
    expect(reports.map((r) => [r.result, r.exitCode, r.output])).toEqual([['passed', 0, { a: 1 }], ['passed', 0, { state: 'healthy' }], ['passed', 0, { ok: true }]]);
    expect(reports.every((r) => typeof r.durationMs === 'number')).toBe(true);
  });

  it('a failed step stops the run: later steps are skipped, never run; its error document is the reason; exit 1', async () => {
    const failed = { error: { code: 'failed', message: 'health: connection refused', hint: 'Start the app.', exitCode: 1 } };
    const { reports, outcome } = await runBook(THREE, [opsctl(['status'], 0, {}), opsctl(['health-check'], 1, failed)]);
    expect(reports.map((r) => r.result)).toEqual(['passed', 'failed', 'skipped']);
    expect(reports[1]!.error).toEqual({ message: 'health: connection refused', hint: 'Start the app.' });
    expect(reports[2]).toMatchObject({ exitCode: null, durationMs: null });
    expect(outcome).toEqual({ result: 'failed', exitCode: 1 });
  });

  it('exit 3 (degraded) is a warning that goes on; the run exits 3', async () => {
    const { reports, outcome } = await runBook(THREE, [opsctl(['status'], 0, {}), opsctl(['health-check'], 3, { state: 'degraded' }), opsctl(['doctor'], 0, {})]);
    expect(reports.map((r) => r.result)).toEqual(['passed', 'warning', 'passed']);
    expect(outcome).toEqual({ result: 'warning', exitCode: 3 });
  });

  it('continueOnError goes on after a failure; the run exits 3, not 1', async () => {
    const steps = '  - { name: health, opsctl: [health-check], continueOnError: true }\n  - { name: doctor, opsctl: [doctor] }\n';
    const { reports, outcome } = await runBook(steps, [opsctl(['health-check'], 1, { state: 'unhealthy' }), opsctl(['doctor'], 0, {})]);
    expect(reports.map((r) => r.result)).toEqual(['failed', 'passed']);
    expect(reports[0]!.error?.message).toBe('exited with code 1');
    expect(outcome).toEqual({ result: 'warning', exitCode: 3 });
  });

  it('exitCodes lets exit 1 pass; then the check decides', async () => {
    const steps = '  - { name: errors, opsctl: [logs, --count], exitCodes: [0, 1], check: { path: count, equals: 0 } }\n';
    expect((await runBook(steps, [opsctl(['logs', '--count'], 1, { count: 0 })])).reports[0]).toMatchObject({ result: 'passed', checks: [{ ok: true }] });
    const failing = (await runBook(steps, [opsctl(['logs', '--count'], 0, { count: 4 })])).reports[0]!;
    expect(failing).toMatchObject({ result: 'failed', checks: [{ ok: false, actual: 4, detail: 'count = 4, expected 0' }] });
  });

  it('a step with only a check checks an earlier step\'s result (of: its name), without running anything', async () => {
    const steps = '  - { name: status, opsctl: [status] }\n  - { name: health, opsctl: [health-check] }\n  - { name: backup age, of: status, check: { path: backup.ageMs, below: 26h } }\n  - { name: healthy, check: { path: state, equals: healthy } }\n';
    const { reports, outcome, t } = await runBook(steps, [opsctl(['status'], 0, { backup: { ageMs: 30 * 3_600_000 } }), opsctl(['health-check'], 0, { state: 'healthy' })]);
    expect(t.runner.ran).toHaveLength(2);
    expect(reports.map((r) => [r.kind, r.result, r.exitCode])).toEqual([['opsctl', 'passed', 0], ['opsctl', 'passed', 0], ['check', 'failed', null], ['check', 'skipped', null]]);
    expect(reports[2]!.checks[0]!.detail).toBe('backup.ageMs = 30h, expected below 26h');
    expect(outcome.exitCode).toBe(1);
  });

  it('--dry-run runs nothing and plans every step', async () => {
    const { reports, outcome, t } = await runBook(THREE, [], { dryRun: true });
    expect(t.runner.ran).toEqual([]);
    expect(t.runner.skipped.map((c) => c.args.at(-1))).toEqual(['status', 'health-check', 'doctor']);
    expect(reports.map((r) => r.result)).toEqual(['planned', 'planned', 'planned']);
    expect(outcome).toEqual({ result: 'planned', exitCode: 0 });
  });

  it('an external command that is not installed fails its step with 127; its JSON stdout is checked too', async () => {
    const steps = '  - { name: ping, run: [curl, -fsS, http://x/health], continueOnError: true }\n  - { name: jq, run: [cat, state.json], check: { path: state, equals: ok } }\n';
    const missing = new ToolMissingError('curl is not installed or not on PATH.', 'Install curl.');
    const { reports } = await runBook(steps, [
      { file: 'curl', args: ['-fsS', 'http://x/health'], error: missing },
      { file: 'cat', args: ['state.json'], stdout: '{"state":"ok"}' },
    ]);
    expect(reports[0]).toMatchObject({ result: 'failed', exitCode: 127, error: { message: 'curl is not installed or not on PATH.' } });
    expect(reports[1]).toMatchObject({ result: 'passed', output: { state: 'ok' } });
  });

  it('a child exiting 130 after a Ctrl-C (the run\'s signal aborted) interrupts the run', async () => {
    const t = createTestContext({ config: CONFIG, environment: 'production', commands: [opsctl(['status'], 130, {})] });
    t.controller.abort();
    const error = await caught(runSteps(t.ctx, planSteps(book(THREE), settings), settings));
    expect(error).toBeInstanceOf(InterruptedError);
  });

  it('a child exiting 130 on its own (nobody pressed Ctrl-C) is an ordinary exit code: continueOnError and exitCodes apply', async () => {
    const steps = '  - { name: script, opsctl: [status], continueOnError: true }\n  - { name: allowed, opsctl: [doctor], exitCodes: [0, 130] }\n';
    const { reports, outcome } = await runBook(steps, [opsctl(['status'], 130, {}), opsctl(['doctor'], 130, {})]);
    expect(reports.map((r) => [r.result, r.exitCode])).toEqual([['failed', 130], ['passed', 130]]);
    expect(reports[0]!.error?.message).toBe('exited with code 130');
    expect(outcome).toEqual({ result: 'warning', exitCode: 3 });
  });
});

describe('opsctl runbook run', () => {
  it('refuses before running anything when a step asks and there is neither a terminal nor --yes (exit 2)', async () => {
    const t = createTestContext({ config: CONFIG, environment: 'production' });
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(`${t.dir}/books`);
    writeFileSync(`${t.dir}/books/t.yaml`, 'name: t\ndescription: x\nsteps:\n  - { name: status, opsctl: [status] }\n  - { name: cleanup, opsctl: [cleanup], confirm: true }\n');
    const error = await caught(runbookCommand(t.ctx, {}, ['run', 't']));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('Runbook t asks before step 2 (cleanup) and needs confirmation; nothing was run.');
    expect(t.runner.ran).toEqual([]);
  });

  it('a runbook that runs runbooks five deep (one that runs itself) stops there', async () => {
    const t = createTestContext({ config: CONFIG.replace('runbooks: books\n', ''), environment: 'production', env: { OPSCTL_RUNBOOK_DEPTH: '5' } });
    const error = (await caught(runbookCommand(t.ctx, {}, ['run', 'morning-check']))) as UsageError;
    expect(error.message).toBe('Runbook morning-check runs 5 runbooks deep: a runbook probably runs itself.');
    expect(t.runner.ran).toEqual([]);
  });

  it('--dry-run plans a step that asks with the --yes its answer would give it', async () => {
    const t = createTestContext({ config: CONFIG.replace('runbooks: books\n', ''), environment: 'production', dryRun: true });
    const { data, exitCode } = await runbookCommand(t.ctx, {}, ['run', 'weekly-maintenance']);
    expect(exitCode).toBe(0);
    expect(t.runner.skipped.map((c) => c.args.slice(-1)[0] === 'cleanup' && c.args.includes('--yes'))).toEqual([false, true, false, false]);
    expect((data as { steps: { result: string }[] }).steps.map((s) => s.result)).toEqual(['planned', 'planned', 'planned', 'planned']);
  });

  it('an unknown runbook names the ones there are', async () => {
    const t = createTestContext({ config: CONFIG.replace('runbooks: books\n', ''), environment: 'production' });
    const error = (await caught(runbookCommand(t.ctx, {}, ['show', 'morning']))) as UsageError;
    expect(error.message).toBe('No runbook named "morning".');
    expect(error.hint).toContain('morning-check');
  });
});

import { describe, expect, it } from 'vitest';
import { loadRunbooks } from '../../../src/runbook/load.js';
import { planSteps, type RunSettings } from '../../../src/runbook/plan.js';
import { outcomeOf } from '../../../src/runbook/report.js';
import { runSteps } from '../../../src/runbook/run-steps.js';
import { createTestContext } from '../../support/context.js';
import type { Expected } from '../../support/scripted-runner.js';

const CONFIG = 'version: 1\napp: shop\nenvironments:\n  production:\n    target: { pm2: { name: shop, script: server.js } }\n';
const SELF = ['/usr/bin/node', '/opt/opsctl.js'];
const settings: RunSettings = { self: SELF, configFile: '/srv/opsctl.yaml', environment: 'production', params: { since: '12h' }, yes: false, depth: 0 };
const MISSING = '2026-11-23T08:00:00.000Z \u001b[33mwarning: /srv/logs/app.log does not exist.\u001b[39m';

/** `opsctl <args>` as a step runs it, and what it answers. */
function step(args: string[], exitCode: number, output: unknown, stderr = ''): Expected {
  return { file: SELF[0]!, args: [SELF[1]!, '--json', '--config', '/srv/opsctl.yaml', '--env', 'production', ...args], exitCode, stdout: JSON.stringify(output), stderr };
}

async function morningCheck(logs: Expected, options: { verbose?: boolean } = {}) {
  const t = createTestContext({ config: CONFIG, environment: 'production', verbose: options.verbose, commands: [
    step(['status'], 0, { backup: { ageMs: 3_600_000 } }),
    step(['health-check'], 0, { state: 'healthy' }),
    logs,
  ] });
  const reports = await runSteps(t.ctx, planSteps(loadRunbooks(undefined).get('morning-check')!, settings), settings);
  return { reports, outcome: outcomeOf(reports, false), logs: t.logs };
}

const LOGS = ['logs', '--level', 'error', '--since', '12h', '--count'];

describe('morning-check and what a step\'s child says on stderr', () => {
  it('no overnight errors is no all-clear when no log could be read: the step fails its check and the run warns (exit 3)', async () => {
    const { reports, outcome } = await morningCheck(step(LOGS, 1, { count: 0, sources: { read: [], unread: ['/srv/logs/app.log'] } }, MISSING));
    const errors = reports.find((r) => r.name === 'overnight errors')!;
    expect(errors.result).toBe('failed');
    expect(errors.checks.map((c) => [c.ok, c.detail])).toEqual([
      [true, 'count = 0, expected 0'],
      [false, 'no log source could be read (sources.read.length = 0, expected above 0)'],
    ]);
    expect(outcome).toEqual({ result: 'warning', exitCode: 3 });
  });

  it('passes when a log was read and held no error', async () => {
    const { reports, outcome } = await morningCheck(step(LOGS, 1, { count: 0, sources: { read: ['/srv/logs/app.log'], unread: [] } }));
    expect(reports.map((r) => r.result)).toEqual(['passed', 'passed', 'passed', 'passed']);
    expect(outcome).toEqual({ result: 'passed', exitCode: 0 });
  });

  it('a child\'s warning lines reach the runbook\'s stderr without --verbose, named by step; its other lines only with --verbose', async () => {
    const stderr = `${MISSING}\n2026-11-23T08:00:00.001Z › reading logs`;
    const quiet = await morningCheck(step(LOGS, 1, { count: 0, sources: { read: [], unread: ['/srv/logs/app.log'] } }, stderr));
    expect(quiet.logs).toContain('warning: step 3 (overnight errors): /srv/logs/app.log does not exist.');
    expect(quiet.logs.join('\n')).not.toContain('reading logs');
    const verbose = await morningCheck(step(LOGS, 1, { count: 0, sources: { read: ['/srv/logs/app.log'], unread: [] } }, stderr), { verbose: true });
    expect(verbose.logs.join('\n')).toContain('› reading logs');
  });
});

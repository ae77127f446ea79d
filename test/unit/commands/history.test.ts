import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { render, run } from '../../../src/commands/history.js';
import { UsageError } from '../../../src/errors.js';
import { appendEntry, type HistoryEntry } from '../../../src/history/journal.js';
import { createStyle } from '../../../src/output/style.js';
import { createTestContext, type TestContext } from '../../support/context.js';

const TWO_ENVS = `
version: 1
app: api
environments:
  production:
    target: { pm2: { script: server.js } }
  staging:
    target: { compose: { service: app } }
`;

async function write(stateDir: string, environment: string, type: string, minute: number, result: HistoryEntry['result'] = 'success') {
  await appendEntry(stateDir, { type, environment, app: 'api', startedAt: `2026-11-22T09:${String(minute).padStart(2, '0')}:00.000Z`, durationMs: 3_000, result });
}

/** production: deploy 01, backup 02, deploy 04, rollback 05; staging: deploy 03, scale 06 (one shared journal). */
async function journal(t: TestContext): Promise<void> {
  await write(t.stateDir, 'production', 'deploy', 1);
  await write(t.stateDir, 'production', 'backup', 2);
  await write(t.stateDir, 'staging', 'deploy', 3);
  await write(t.stateDir, 'production', 'deploy', 4, 'failed');
  await write(t.stateDir, 'production', 'rollback', 5);
  await write(t.stateDir, 'staging', 'scale', 6);
}

const summary = (entries: HistoryEntry[]) => entries.map((e) => `${e.startedAt.slice(14, 16)} ${e.environment} ${e.type}`);

describe('history', () => {
  it('shows the selected environment, newest first', async () => {
    const t = createTestContext({ config: TWO_ENVS, environment: 'production' });
    await journal(t);
    const { data } = await run(t.ctx, {});
    expect(data.environment).toBe('production');
    expect(summary(data.entries)).toEqual(['05 production rollback', '04 production deploy', '02 production backup', '01 production deploy']);
  });

  it('-n keeps the newest entries', async () => {
    const t = createTestContext({ config: TWO_ENVS, environment: 'production' });
    await journal(t);
    expect(summary((await run(t.ctx, { limit: '2' })).data.entries)).toEqual(['05 production rollback', '04 production deploy']);
  });

  it('--type keeps only the listed operation types', async () => {
    const t = createTestContext({ config: TWO_ENVS, environment: 'production' });
    await journal(t);
    expect(summary((await run(t.ctx, { type: 'deploy, backup' })).data.entries)).toEqual(['04 production deploy', '02 production backup', '01 production deploy']);
  });

  it('--all-environments merges every environment, newest first, each entry once', async () => {
    const t = createTestContext({ config: TWO_ENVS });
    await journal(t);
    const { data } = await run(t.ctx, { allEnvironments: true });
    expect(data.environment).toBeNull();
    expect(summary(data.entries)).toEqual([
      '06 staging scale',
      '05 production rollback',
      '04 production deploy',
      '03 staging deploy',
      '02 production backup',
      '01 production deploy',
    ]);
  });

  it('--all-environments reads environments with their own state dirs, with -n and --type', async () => {
    const t = createTestContext({ config: TWO_ENVS.replace('target: { compose', 'stateDir: staging-state\n    target: { compose') });
    await write(t.stateDir, 'production', 'deploy', 1);
    await write(path.join(t.dir, 'staging-state'), 'staging', 'deploy', 2);
    await write(path.join(t.dir, 'staging-state'), 'staging', 'scale', 3);
    await write(t.stateDir, 'production', 'deploy', 4);
    const { data } = await run(t.ctx, { allEnvironments: true, type: 'deploy', limit: '2' });
    expect(summary(data.entries)).toEqual(['04 production deploy', '02 staging deploy']);
  });

  it('needs an environment without --all-environments when several exist (exit 2)', async () => {
    const t = createTestContext({ config: TWO_ENVS });
    await expect(run(t.ctx, {})).rejects.toThrow('Several environments are defined: production, staging.');
  });

  it.each(['0', '-3', 'ten', '2.5'])('refuses -n %s (exit 2)', async (limit) => {
    const t = createTestContext({ config: TWO_ENVS, environment: 'production' });
    await expect(run(t.ctx, { limit })).rejects.toBeInstanceOf(UsageError);
  });

  it('renders who did what, with the result, and says when nothing is recorded', async () => {
    const t = createTestContext({ config: TWO_ENVS, environment: 'production' });
    const style = createStyle(false);
    expect(render((await run(t.ctx, {})).data, style)).toBe('No operations recorded yet.');
    await journal(t);
    const text = render((await run(t.ctx, { limit: '2' })).data, style);
    expect(text).not.toContain('\u001b[');
    expect(text).toMatch(/│ 2026-11-22 09:04:00Z +│ deploy +│ failed +│ \S+@\S+ +│ 3\.0s +│/);
    expect(text).toMatch(/│ 2026-11-22 09:05:00Z +│ rollback +│ success +│/);
  });
});

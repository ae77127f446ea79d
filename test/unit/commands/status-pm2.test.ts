import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { render, run } from '../../../src/commands/status.js';
import { ToolMissingError, UsageError } from '../../../src/errors.js';
import { appendEntry } from '../../../src/history/journal.js';
import { acquireLock } from '../../../src/history/lock.js';
import { createStyle } from '../../../src/output/style.js';
import { createTestContext, type TestContext } from '../../support/context.js';
import type { Expected } from '../../support/scripted-runner.js';
import { fixture } from '../helpers.js';
import { GIT_FORMAT, gitRepo } from './git-script.js';

const plain = createStyle(false);

const jlist = (stdout: string): Expected => ({ file: 'pm2', args: ['jlist'], stdout, readOnly: true });

const PM2_CONFIG = `
version: 1
app: hello
environments:
  local:
    target: { pm2: { script: server.mjs, instances: 2 } }
    source: { repo: ., ref: main }
`;

/** Writes PM2_HOME/pm2.pid with `pid`; the test process itself stands in for a live daemon. */
function daemonPid(t: TestContext, pid: number): void {
  mkdirSync(t.pm2Home, { recursive: true });
  writeFileSync(path.join(t.pm2Home, 'pm2.pid'), `${pid}\n`);
}

function entry(environment: string, type: string, minute: number) {
  const startedAt = `2026-11-22T09:${String(minute).padStart(2, '0')}:00.000Z`;
  return { type, environment, app: 'hello', startedAt, durationMs: 42_000, result: 'success' as const, details: { release: 'f172099' } };
}

describe('status on a pm2 target', () => {
  it('shows the instances, the release from git, a free lock and this environment\'s history', async () => {
    const t = createTestContext({ config: PM2_CONFIG, commands: ({ dir }) => [jlist(fixture('pm2/jlist-cluster.json')), ...gitRepo(dir)] });
    daemonPid(t, process.pid);
    await appendEntry(t.stateDir, entry('local', 'deploy', 1));
    await appendEntry(t.stateDir, entry('staging', 'deploy', 2));
    await appendEntry(t.stateDir, entry('local', 'rollback', 3));

    const { data, exitCode } = await run(t.ctx, {});
    expect(exitCode ?? 0).toBe(0);
    expect(data.environment).toBe('local');
    // The captured jlist is of an app started without --time: status says logs cannot window its lines.
    expect(data.target).toMatchObject({ kind: 'pm2', name: 'hello', desired: 2, notes: [expect.stringMatching(/without timestamps/)] });
    expect(data.target.instances.map((i) => `${i.name} ${i.state} ${i.cpuPercent}`)).toEqual(['hello#0 online 1.9', 'hello#1 online 5.2']);
    expect(data.release).toMatchObject({ repo: t.dir, shortSha: 'f172099', branch: 'release/2026.11', subject: 'Add health endpoint: /api/ready', dirty: true });
    expect(data.lock).toBeNull();
    expect(data.history.map((e) => `${e.environment} ${e.type}`)).toEqual(['local rollback', 'local deploy']);
  });

  it('runs no pm2 command at all when the daemon pid file is absent, and says the daemon is not running', async () => {
    const t = createTestContext({ config: PM2_CONFIG, commands: ({ dir }) => gitRepo(dir) });
    const { data } = await run(t.ctx, {});
    expect(t.runner.ran.map((c) => c.file)).not.toContain('pm2');
    expect(data.target.instances).toEqual([]);
    expect(data.target.notes).toEqual([expect.stringMatching(/pm2 daemon is not running/)]);
  });

  it('treats a pid file left by a dead daemon as no daemon', async () => {
    const t = createTestContext({ config: PM2_CONFIG, commands: ({ dir }) => gitRepo(dir) });
    daemonPid(t, 2 ** 22 + 17); // above Linux's pid_max: no such process
    expect((await run(t.ctx, {})).data.target.notes).toEqual([expect.stringMatching(/pm2 daemon is not running/)]);
  });

  it('says so when pm2 runs but not this app', async () => {
    const t = createTestContext({ config: PM2_CONFIG.replace('app: hello', 'app: hello-api'), commands: ({ dir }) => [jlist(fixture('pm2/jlist-mixed.json')), ...gitRepo(dir)] });
    daemonPid(t, process.pid);
    const { data } = await run(t.ctx, {});
    expect(data.target.instances).toEqual([]);
    expect(data.target.notes).toEqual(['No pm2 process named hello-api.']);
  });

  it('names the lock holder while another operation runs', async () => {
    const t = createTestContext({ config: PM2_CONFIG, commands: ({ dir }) => [jlist(fixture('pm2/jlist-mixed.json')), ...gitRepo(dir)] });
    daemonPid(t, process.pid);
    const lock = await acquireLock(t.stateDir, 'local', 'deploy --ref main');
    try {
      const { data } = await run(t.ctx, {});
      expect(data.lock).toEqual({ holder: lock.info, stale: false });
    } finally {
      await lock.release();
    }
  });

  it('renders instance names, states, release and the lock holder, without colour codes', async () => {
    const t = createTestContext({ config: PM2_CONFIG, commands: ({ dir }) => [jlist(fixture('pm2/jlist-mixed.json')), ...gitRepo(dir)] });
    daemonPid(t, process.pid);
    await appendEntry(t.stateDir, entry('local', 'deploy', 1));
    const lock = await acquireLock(t.stateDir, 'local', 'deploy --ref main');
    const text = render((await run(t.ctx, {})).data, plain);
    await lock.release();

    expect(text).not.toContain('\u001b[');
    expect(text).toMatch(/target +pm2 hello: 1\/2 running/);
    expect(text).toMatch(/source +f172099 \(release\/2026\.11\) Add health endpoint: \/api\/ready \+uncommitted changes/);
    expect(text).toContain(`held by "deploy --ref main" pid ${process.pid} ${lock.info.user}@${lock.info.host}`);
    expect(text).toMatch(/│ hello#0 +│ online +│ 1 +│ 3\.7% +│ 56\.8 MB +│/);
    expect(text).toMatch(/│ hello#1 +│ stopped +│ 0 +│ - +│ - +│ - +│ 1\.0\.0/);
    expect(text).not.toContain('other#2');
    expect(text).toMatch(/│ 2026-11-22 09:01:00Z +│ deploy +│ success +│/);
  });

  it('limits the history to -n entries', async () => {
    const t = createTestContext({ config: PM2_CONFIG, commands: ({ dir }) => gitRepo(dir) });
    for (let minute = 1; minute <= 4; minute += 1) await appendEntry(t.stateDir, entry('local', 'deploy', minute));
    expect((await run(t.ctx, { history: '2' })).data.history.map((e) => e.startedAt.slice(11, 16))).toEqual(['09:04', '09:03']);
  });

  it('refuses a -n that is not a count (exit 2)', async () => {
    const t = createTestContext({ config: PM2_CONFIG });
    await expect(run(t.ctx, { history: 'ten' })).rejects.toBeInstanceOf(UsageError);
  });

  it('still shows the target when git is not installed, and says why the release is unknown', async () => {
    const t = createTestContext({
      config: PM2_CONFIG,
      commands: ({ dir }) => [{ file: 'git', args: ['-C', dir, 'log', '-1', GIT_FORMAT], error: new ToolMissingError('git is not installed or not on PATH.', 'Install git.') }],
    });
    const { data } = await run(t.ctx, {});
    expect(data.release).toBeNull();
    expect(data.releaseProblem).toMatch(/^git is not installed/);
    expect(render(data, createStyle(false))).toContain('unknown: git is not installed');
  });
});


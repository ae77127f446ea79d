import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { render, run, type InstalledData } from '../../../src/commands/schedule.js';
import { OpsError, UsageError } from '../../../src/errors.js';
import { createStyle } from '../../../src/output/style.js';
import { createTestContext } from '../../support/context.js';
import { requireTool } from '../../support/real-tools.js';
import type { Expected } from '../../support/scripted-runner.js';

const CONFIG = `
version: 1
app: shop
environments:
  production:
    target: { pm2: { script: server.js } }
  staging:
    target: { pm2: { script: server.js } }
`;

const OTHER = '*/5 * * * * /usr/local/bin/check.sh\n';
const read = (stdout: string, exitCode = 0, stderr = ''): Expected => ({ file: 'crontab', args: ['-l'], stdout, exitCode, stderr, readOnly: true });
const write: Expected = { file: 'crontab', args: ['-'], readOnly: false };
// Installing, listing and removing act on this machine's scheduler: crontab everywhere but Windows.
const crontabHere = requireTool('crontab', () => (process.platform === 'win32' ? 'schedule installs into crontab off Windows only (Task Scheduler here)' : undefined));

describe.skipIf(!crontabHere)('schedule (Linux, scripted crontab)', () => {
  it('installs into an empty crontab ("no crontab for" exits 1), pinning -e and -c, and creates the log folder', async () => {
    const t = createTestContext({ config: CONFIG, environment: 'production', commands: [read('', 1, 'no crontab for root'), write] });
    const { data } = await run(t.ctx, { daily: '02:00' }, ['backup']);
    const written = t.runner.ran.find((cmd) => cmd.args[0] === '-')!.input!;
    expect(written).toMatch(/^# opsctl-schedule id=\w{8} name=shop-production-backup\n0 2 \* \* \* cd .+ backup --lock-wait 30m -e production -c .+opsctl\.yaml >> .+shop-production-backup\.log 2>&1\n$/);
    expect(data).toMatchObject({ action: 'install', installed: true, replaced: false, schedule: '0 2 * * *' });
    expect((data as InstalledData).logFile).toBe(path.join(t.stateDir, 'logs', 'shop-production-backup.log'));
  });

  it('keeps the user\'s lines and says when it replaced its own entry', async () => {
    const t = createTestContext({ config: CONFIG, environment: 'production', commands: [read(OTHER.trimEnd()), write] });
    await run(t.ctx, { every: '6h' }, ['backup']);
    const first = t.runner.ran[1]!.input!;
    expect(first.startsWith(OTHER)).toBe(true);
    const again = createTestContext({ config: CONFIG, environment: 'production', commands: [read(first.trimEnd()), write] });
    const { data } = await run(again.ctx, { daily: '03:00' }, ['backup']);
    expect(data).toMatchObject({ replaced: true, schedule: '0 3 * * *' });
    expect(again.runner.ran[1]!.input!.split('\n')).toHaveLength(first.split('\n').length);
  });

  it('--dry-run reads the crontab, writes nothing and returns the crontab it would write', async () => {
    const t = createTestContext({ config: CONFIG, environment: 'staging', dryRun: true, commands: [read(OTHER.trimEnd())] });
    const { data } = await run(t.ctx, { every: '15m' }, ['health-check']);
    expect(t.runner.skipped.map((cmd) => cmd.args)).toEqual([['-']]);
    expect(data).toMatchObject({ installed: false, crontab: expect.stringContaining(`${OTHER}# opsctl-schedule`) });
    expect(render(data as never, createStyle(false))).toContain('The crontab would be:');
    // The log folder is shown through the effects, not made.
    expect(t.logs).toContain(`would create folder ${path.join(t.stateDir, 'logs')}`);
    expect(existsSync(t.stateDir)).toBe(false);
  });

  it('--print prints the entry alone and touches no crontab', async () => {
    const t = createTestContext({ config: CONFIG, environment: 'production' });
    const { data } = await run(t.ctx, { cron: '30 3 * * 1-5', print: true }, ['backup']);
    expect(render(data as never, createStyle(false))).toMatch(/^30 3 \* \* 1-5 cd /);
    expect(t.runner.ran).toEqual([]);
  });

  it('--platform windows --print gives the schtasks command; without --print it refuses here', async (context) => {
    // The entry names opsctl by this process's script (vitest's, inside the checkout): a short stand-in keeps
    // the command under schtasks' 261 characters wherever the checkout lives (a long clone path failed CI).
    const script = process.argv[1];
    process.argv[1] = '/o/opsctl.js';
    context.onTestFinished(() => {
      process.argv[1] = script!;
    });
    const t = createTestContext({ config: CONFIG, environment: 'production' });
    const { data } = await run(t.ctx, { daily: '02:00', print: true, platform: 'windows' }, ['backup']);
    expect((data as InstalledData).entry).toMatch(/^schtasks \/Create \/TN opsctl\\shop-production-backup \/SC DAILY \/ST 02:00 \/TR "cmd \/c cd \/d /);
    await expect(run(t.ctx, { daily: '02:00', platform: 'windows' }, ['backup'])).rejects.toThrow('windows schedules cannot be installed on linux');
    await expect(run(t.ctx, { daily: '02:00', platform: 'mac' }, ['backup'])).rejects.toThrow(UsageError);
  });

  it('refuses unknown commands, a missing schedule and a missing environment choice', async () => {
    const t = createTestContext({ config: CONFIG, environment: 'production' });
    await expect(run(t.ctx, { daily: '02:00' }, ['bakup'])).rejects.toThrow('"bakup" is not an opsctl command');
    await expect(run(t.ctx, {}, ['backup'])).rejects.toThrow('No schedule given.');
    const none = createTestContext({ config: CONFIG });
    await expect(run(none.ctx, { daily: '02:00' }, ['backup'])).rejects.toThrow('Several environments are defined');
  });

  it('lists and removes only opsctl entries; an unknown name fails', async () => {
    const ours = '# opsctl-schedule id=0123abcd name=nightly\n0 2 * * * cd /srv && opsctl backup >> /srv/.opsctl/logs/nightly.log 2>&1';
    const t = createTestContext({ config: CONFIG, commands: [read(`${OTHER}${ours}`), read(`${OTHER}${ours}`), write, read(OTHER)] });
    const listed = await run(t.ctx, {}, ['list']);
    expect(listed.data).toEqual({ action: 'list', platform: 'linux', schedules: [{ id: '0123abcd', name: 'nightly', schedule: '0 2 * * *', command: 'cd /srv && opsctl backup >> /srv/.opsctl/logs/nightly.log 2>&1' }] });
    await run(t.ctx, {}, ['remove', '0123abcd']);
    expect(t.runner.ran[2]!.input).toBe(OTHER);
    await expect(run(t.ctx, {}, ['remove', 'nightly'])).rejects.toThrow(OpsError);
  });

  it('a crontab -l failure other than "no crontab" is an error', async () => {
    const t = createTestContext({ config: CONFIG, commands: [read('', 1, 'crontab: your UID isn\'t in the passwd file.')] });
    await expect(run(t.ctx, {}, ['list'])).rejects.toThrow('crontab -l failed with exit code 1');
  });

  it('lists an orphaned marker as such and removes only the marker, never the user\'s line under it', async () => {
    const text = `# opsctl-schedule id=0123abcd name=nightly\nMAILTO=ops@example.com\n${OTHER.trimEnd()}`;
    const t = createTestContext({ config: CONFIG, commands: [read(text), read(text), write] });
    const listed = await run(t.ctx, {}, ['list']);
    expect(listed.data).toMatchObject({ schedules: [{ name: 'nightly', orphan: true }] });
    expect(render(listed.data, createStyle(false))).toContain('orphaned marker');
    const removed = await run(t.ctx, {}, ['remove', 'nightly']);
    expect(t.runner.ran[2]!.input).toBe(`MAILTO=ops@example.com\n${OTHER}`);
    expect(render(removed.data, createStyle(false))).toBe('Removed the orphaned marker of nightly (0123abcd).');
  });

  it('refuses to rewrite a crontab whose listing shows a carriage return as \\r, and still lists it', async () => {
    const text = `0 1 * * * /usr/local/bin/check.sh\\r\n${OTHER}`;
    const t = createTestContext({ config: CONFIG, environment: 'production', commands: [read(text), read(text)] });
    await expect(run(t.ctx, { daily: '02:00' }, ['backup'])).rejects.toThrow('crontab -l shows "\\r" (a carriage return) on line 1');
    expect(t.runner.ran.filter((cmd) => cmd.args[0] === '-')).toEqual([]);
    expect((await run(t.ctx, {}, ['list'])).data).toMatchObject({ schedules: [] });
  });
});

describe('schedule: commands that never exit or that ask', () => {
  const printed = async (command: string[], extra: { assumeYes?: boolean; runbooks?: Record<string, string> } = {}) => {
    const config = extra.runbooks ? `${CONFIG}runbooks: books\n` : CONFIG;
    const t = createTestContext({ config, environment: 'production', assumeYes: extra.assumeYes });
    if (extra.runbooks) {
      mkdirSync(path.join(t.dir, 'books'));
      for (const [file, text] of Object.entries(extra.runbooks)) writeFileSync(path.join(t.dir, 'books', file), text);
    }
    const { data } = await run(t.ctx, { daily: '02:00', print: true, platform: 'linux' }, command);
    return { data: data as InstalledData, logs: t.logs };
  };

  it('adds --once to monitor and says so; keeps a --once given', async () => {
    const { data, logs } = await printed(['monitor', '--only', 'api']);
    expect(data.argv.slice(2, 5)).toEqual(['monitor', '--only', 'api']);
    expect(data.argv.filter((a) => a === '--once')).toEqual(['--once']);
    expect(data.notes).toEqual([expect.stringContaining('added --once')]);
    expect(logs.join('\n')).toContain('added --once');
    expect((await printed(['monitor', '--once'])).data.notes).toEqual([]);
  });

  it.each([['--follow'], ['-f'], ['-if']])('refuses logs %s: it never exits', async (flag) => {
    await expect(printed(['logs', flag])).rejects.toThrow(UsageError);
    await expect(printed(['logs', flag])).rejects.toThrow('logs --follow never exits');
  });

  it.each([[['cleanup']], [['restore', 'latest']], [['rollback', '--restore-db']]])('refuses %j without --yes: every run would exit 2', async (command) => {
    await expect(printed(command)).rejects.toThrow(/asks for confirmation.*every run would fail with exit 2/);
    expect((await printed(command, { assumeYes: true })).data.argv.at(-1)).toBe('--yes');
    expect((await printed([...command, '--yes'])).data.notes).toEqual([]);
  });

  it('names a password in a URL before anything else', async () => {
    await expect(printed(['restore', 'latest', '--to', 'postgres://u:Pw0rd@db/x'])).rejects.toThrow('is a URL with a password');
  });

  it('takes commands that do not ask without --yes', async () => {
    for (const command of [['backup'], ['rollback'], ['health-check'], ['runbook', 'run', 'morning-check']]) {
      expect((await printed(command)).data.notes).toEqual([]);
    }
  });

  it('refuses a runbook with a confirm step, or with an opsctl step that asks, without --yes', async () => {
    const books = {
      'asks.yaml': 'name: asks\ndescription: d\nsteps:\n  - name: tidy\n    opsctl: [cleanup, --yes]\n    confirm: true\n',
      'inner.yaml': 'name: inner\ndescription: d\nsteps:\n  - name: tidy\n    opsctl: [cleanup]\n',
      'quiet.yaml': 'name: quiet\ndescription: d\nsteps:\n  - name: look\n    opsctl: [status]\n',
    };
    await expect(printed(['runbook', 'run', 'asks'], { runbooks: books })).rejects.toThrow('runbook asks step 1 (tidy) asks for confirmation');
    await expect(printed(['runbook', 'run', 'inner'], { runbooks: books })).rejects.toThrow('runbook inner step 1 (tidy) (cleanup) asks');
    await expect(printed(['runbook', 'run', 'weekly-maintenance'], { runbooks: books })).rejects.toThrow(UsageError);
    expect((await printed(['runbook', 'run', 'quiet'], { runbooks: books })).data.notes).toEqual([]);
    expect((await printed(['runbook', 'run', 'asks'], { runbooks: books, assumeYes: true })).data.notes).toEqual([]);
  });

  it('warns loudly when it cannot tell whether a runbook asks', async () => {
    const { data, logs } = await printed(['runbook', 'run', 'nosuch']);
    expect(data.notes).toEqual([expect.stringContaining('could not check whether runbook nosuch asks (no runbook is named "nosuch")')]);
    expect(logs.join('\n')).toContain('warning: could not check');
  });
});

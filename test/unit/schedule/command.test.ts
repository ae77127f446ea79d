import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { render, run, type InstalledData } from '../../../src/commands/schedule.js';
import { OpsError, UsageError } from '../../../src/errors.js';
import { createStyle } from '../../../src/output/style.js';
import { createTestContext } from '../../support/context.js';
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
const linuxOnly = process.platform === 'win32';

describe.skipIf(linuxOnly)('schedule (Linux, scripted crontab)', () => {
  it('installs into an empty crontab ("no crontab for" exits 1), pinning -e and -c, and creates the log folder', async () => {
    const t = createTestContext({ config: CONFIG, environment: 'production', commands: [read('', 1, 'no crontab for root'), write] });
    const { data } = await run(t.ctx, { daily: '02:00' }, ['backup']);
    const written = t.runner.ran.find((cmd) => cmd.args[0] === '-')!.input!;
    expect(written).toMatch(/^# opsctl-schedule id=\w{8} name=shop-production-backup\n0 2 \* \* \* cd .+ backup -e production -c .+opsctl\.yaml >> .+shop-production-backup\.log 2>&1\n$/);
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
  });

  it('--print prints the entry alone and touches no crontab', async () => {
    const t = createTestContext({ config: CONFIG, environment: 'production' });
    const { data } = await run(t.ctx, { cron: '30 3 * * 1-5', print: true }, ['backup']);
    expect(render(data as never, createStyle(false))).toMatch(/^30 3 \* \* 1-5 cd /);
    expect(t.runner.ran).toEqual([]);
  });

  it('--platform windows --print gives the schtasks command; without --print it refuses here', async () => {
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
    const ours = '# opsctl-schedule id=0123abcd name=nightly\n0 2 * * * cd /srv && opsctl backup';
    const t = createTestContext({ config: CONFIG, commands: [read(`${OTHER}${ours}`), read(`${OTHER}${ours}`), write, read(OTHER)] });
    const listed = await run(t.ctx, {}, ['list']);
    expect(listed.data).toEqual({ action: 'list', platform: 'linux', schedules: [{ id: '0123abcd', name: 'nightly', schedule: '0 2 * * *', command: 'cd /srv && opsctl backup' }] });
    await run(t.ctx, {}, ['remove', '0123abcd']);
    expect(t.runner.ran[2]!.input).toBe(OTHER);
    await expect(run(t.ctx, {}, ['remove', 'nightly'])).rejects.toThrow(OpsError);
  });

  it('a crontab -l failure other than "no crontab" is an error', async () => {
    const t = createTestContext({ config: CONFIG, commands: [read('', 1, 'crontab: your UID isn\'t in the passwd file.')] });
    await expect(run(t.ctx, {}, ['list'])).rejects.toThrow('crontab -l failed with exit code 1');
  });
});

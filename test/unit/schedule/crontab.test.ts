import { describe, expect, it } from 'vitest';
import { cronLine, entryCommand, isOwnLine, listCrontab, markerLine, shellQuote, withEntry, withoutEntry } from '../../../src/schedule/crontab.js';
import { buildJob, type ScheduledJob } from '../../../src/schedule/job.js';
import type { Trigger } from '../../../src/schedule/trigger.js';

const DAILY: Trigger = { kind: 'daily', hour: 2, minute: 0 };

/** crontab entries exist on Linux only: on Windows buildJob resolves to drive paths (Z:\srv\shop), so there the job gets the paths it has on Linux. */
const linuxPath = (p: string) => p.replace(/^[A-Za-z]:/, '').replaceAll('\\', '/');

function job(command: string[] = ['backup'], name?: string): ScheduledJob {
  const built = buildJob({
    self: ['/usr/bin/node', '/opt/opsctl/bin/opsctl.js'],
    command,
    app: 'shop',
    environment: 'production',
    configFile: '/srv/shop/opsctl.yaml',
    stateDir: '/srv/shop/.opsctl',
    yes: false,
    envVars: { PATH: '/usr/local/bin:/usr/bin:/bin', PM2_HOME: '/srv/pm2 home' },
    ...(name ? { name } : {}),
  });
  return { ...built, argv: built.argv.map(linuxPath), cwd: linuxPath(built.cwd), logFile: linuxPath(built.logFile) };
}

const OTHERS = '# m h dom mon dow command\nMAILTO=ops@example.com\n*/5 * * * * /usr/local/bin/check.sh   # keep   spacing\n\n';

describe('cronLine', () => {
  it('cds to the config folder, creates the log folder, carries PATH and PM2_HOME, pins -e and -c, appends to the log', () => {
    expect(cronLine(DAILY, job())).toBe(
      "0 2 * * * cd /srv/shop && mkdir -p -- /srv/shop/.opsctl/logs && PATH=/usr/local/bin:/usr/bin:/bin PM2_HOME='/srv/pm2 home' /usr/bin/node /opt/opsctl/bin/opsctl.js backup -e production -c /srv/shop/opsctl.yaml >> /srv/shop/.opsctl/logs/shop-production-backup.log 2>&1",
    );
  });
  it('entryCommand leaves what runs: no folder, mkdir, variables or log', () => {
    const line = cronLine(DAILY, { ...job(), envVars: { PATH: '/usr/bin:/bin', PM2_HOME: '/srv/pm2' } });
    expect(entryCommand(line.slice('0 2 * * * '.length))).toBe('/usr/bin/node /opt/opsctl/bin/opsctl.js backup -e production -c /srv/shop/opsctl.yaml');
    expect(entryCommand('cd /srv && PATH=/usr/bin opsctl backup >> /srv/.opsctl/logs/nightly.log 2>&1')).toBe('opsctl backup');
  });
  it('quotes for sh and escapes % for cron', () => {
    const line = cronLine(DAILY, job(['logs', '--grep', "it's 100% down"]));
    expect(line).toContain(`--grep 'it'\\''s 100\\% down'`);
    expect(shellQuote('/srv/my app')).toBe("'/srv/my app'");
  });
});

describe('withEntry / withoutEntry', () => {
  it('appends a marked entry and keeps every other line byte for byte', () => {
    const { text, replaced } = withEntry(OTHERS, DAILY, job());
    expect(replaced).toBe(false);
    expect(text.startsWith(OTHERS)).toBe(true);
    expect(text.slice(OTHERS.length)).toBe(`${markerLine(job())}\n${cronLine(DAILY, job())}\n`);
  });
  it('replaces an entry of the same name in place instead of adding a second', () => {
    const first = withEntry(OTHERS, DAILY, job()).text + '0 4 * * * /other\n';
    const second = withEntry(first, { kind: 'hours', every: 6 }, job());
    expect(second.replaced).toBe(true);
    expect(listCrontab(second.text)).toEqual([expect.objectContaining({ name: 'shop-production-backup', schedule: '0 */6 * * *' })]);
    expect(second.text.endsWith('0 4 * * * /other\n')).toBe(true);
    expect(second.text.split('\n')).toHaveLength(first.split('\n').length);
  });
  it('removes only the named (or id) entry, leaving the others as they were', () => {
    const one = withEntry(OTHERS, DAILY, job()).text;
    const two = withEntry(one, DAILY, job(['cleanup'], 'weekly-cleanup')).text;
    const byName = withoutEntry(two, 'shop-production-backup');
    expect(byName.removed?.name).toBe('shop-production-backup');
    expect(byName.text).toBe(withEntry(OTHERS, DAILY, job(['cleanup'], 'weekly-cleanup')).text);
    expect(withoutEntry(byName.text, job(['cleanup'], 'weekly-cleanup').id).text).toBe(OTHERS);
    expect(withoutEntry(OTHERS, 'nothing')).toEqual({ text: OTHERS });
  });
  it('lists only opsctl entries, and an orphaned marker alone', () => {
    const text = `${OTHERS}${markerLine({ id: 'abcd1234', name: 'orphan' })}\n# a comment of the user\n`;
    expect(listCrontab(text)).toEqual([{ id: 'abcd1234', name: 'orphan', schedule: '', command: '', orphan: true }]);
    expect(withoutEntry(text, 'orphan').text).toBe(`${OTHERS}# a comment of the user\n`);
  });
  it('never takes a user\'s line put under its marker: a MAILTO= stays, the entry under it is still replaced', () => {
    const [marker, entry] = withEntry('', DAILY, job()).text.split('\n');
    const text = `${marker}\nMAILTO=ops@example.com\n${entry}\n`;
    const again = withEntry(text, { kind: 'hours', every: 6 }, job());
    expect(again).toEqual({ text: `${marker}\nMAILTO=ops@example.com\n${cronLine({ kind: 'hours', every: 6 }, job())}\n`, replaced: true });
    expect(listCrontab(text)).toEqual([expect.objectContaining({ schedule: '0 2 * * *', command: expect.stringMatching(/^cd \/srv\/shop && /) })]);
    expect(withoutEntry(text, 'shop-production-backup').text).toBe('MAILTO=ops@example.com\n');
  });
  it('an orphaned marker above the user\'s own job: list says orphan, remove drops the marker only, install keeps the job', () => {
    const mine = '0 4 * * * /usr/local/bin/mine.sh >> /var/log/mine.log 2>&1';
    const text = `${markerLine(job())}\n${mine}\n`;
    expect(listCrontab(text)).toEqual([{ id: job().id, name: 'shop-production-backup', schedule: '', command: '', orphan: true }]);
    expect(withoutEntry(text, 'shop-production-backup').text).toBe(`${mine}\n`);
    const installed = withEntry(text, DAILY, job());
    expect(installed).toEqual({ text: `${markerLine(job())}\n${cronLine(DAILY, job())}\n${mine}\n`, replaced: false });
  });
  it('recognises its own lines by their shape and the log named after the schedule', () => {
    const quoted = cronLine(DAILY, { ...job(), cwd: '/srv/my shop', logFile: "/srv/my shop/.opsctl/logs/shop-production-backup.log" });
    expect(isOwnLine(quoted, 'shop-production-backup')).toBe(true);
    expect(isOwnLine(cronLine(DAILY, job()), 'shop-production-backup')).toBe(true);
    expect(isOwnLine(cronLine(DAILY, job()), 'shop-production-backup-2')).toBe(false);
    expect(isOwnLine(`# ${cronLine(DAILY, job())}`, 'shop-production-backup')).toBe(false);
    expect(isOwnLine('MAILTO=ops@example.com', 'shop-production-backup')).toBe(false);
    expect(isOwnLine('0 2 * * * /usr/local/bin/backup.sh >> /var/log/shop-production-backup.log 2>&1', 'shop-production-backup')).toBe(false);
  });
  it('handles an empty crontab and one without a final newline', () => {
    expect(withEntry('', DAILY, job()).text).toBe(`${markerLine(job())}\n${cronLine(DAILY, job())}\n`);
    expect(withEntry('MAILTO=x', DAILY, job()).text.startsWith('MAILTO=x\n# opsctl-schedule')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { buildJob } from '../../../src/schedule/job.js';
import { cmdArg, createTaskCommand, deleteTaskCommand, parseTaskList, queryTasksCommand, taskRun, triggerArgs, windowsCommandLine, windowsQuote } from '../../../src/schedule/schtasks.js';

const job = buildJob({
  self: ['C:\\Program Files\\nodejs\\node.exe', 'C:\\tools\\opsctl\\bin\\opsctl.js'],
  command: ['backup'],
  app: 'shop',
  environment: 'production',
  configFile: 'C:\\srv\\shop\\opsctl.yaml',
  stateDir: 'C:\\srv\\shop\\.opsctl',
  yes: false,
});
// The test may run on POSIX: path.resolve would prefix the cwd, so pin the Windows paths.
Object.assign(job, {
  argv: ['C:\\Program Files\\nodejs\\node.exe', 'C:\\tools\\opsctl\\bin\\opsctl.js', 'backup', '-e', 'production', '-c', 'C:\\srv\\shop\\opsctl.yaml'],
  cwd: 'C:\\srv\\shop',
  logFile: 'C:\\srv\\shop\\.opsctl\\logs\\shop-production-backup.log',
});

const RUN = 'cmd /c cd /d C:\\srv\\shop && ^"C:\\Program^ Files\\nodejs\\node.exe^" C:\\tools\\opsctl\\bin\\opsctl.js backup -e production -c C:\\srv\\shop\\opsctl.yaml >> C:\\srv\\shop\\.opsctl\\logs\\shop-production-backup.log 2>&1';

describe('schtasks argv', () => {
  it('creates a daily task in the opsctl folder, replacing one of the same name (/F)', () => {
    const cmd = createTaskCommand({ kind: 'daily', hour: 2, minute: 0 }, job);
    expect([cmd.file, ...cmd.args]).toEqual(['schtasks', '/Create', '/TN', 'opsctl\\shop-production-backup', '/SC', 'DAILY', '/ST', '02:00', '/TR', RUN, '/F']);
    expect(cmd.readOnly).toBe(false);
  });
  it('maps every trigger to /SC', () => {
    expect(triggerArgs({ kind: 'minutes', every: 15 })).toEqual(['/SC', 'MINUTE', '/MO', '15', '/ST', '00:00']);
    expect(triggerArgs({ kind: 'hours', every: 6 })).toEqual(['/SC', 'HOURLY', '/MO', '6', '/ST', '00:00']);
    expect(triggerArgs({ kind: 'weekly', day: 0, hour: 3, minute: 30 })).toEqual(['/SC', 'WEEKLY', '/D', 'SUN', '/ST', '03:30']);
    expect(triggerArgs({ kind: 'cron', expression: '5 4 * * *' })).toEqual(['/SC', 'DAILY', '/ST', '04:05']);
    expect(() => triggerArgs({ kind: 'cron', expression: '0 3 1 * *' })).toThrow(UsageError);
  });
  it('queries and deletes by name', () => {
    expect(queryTasksCommand()).toMatchObject({ file: 'schtasks', args: ['/Query', '/FO', 'CSV', '/NH'], readOnly: true });
    expect(deleteTaskCommand('nightly')).toMatchObject({ file: 'schtasks', args: ['/Delete', '/TN', 'opsctl\\nightly', '/F'], readOnly: false });
  });
  it('shows the command as a Windows command line', () => {
    const cmd = createTaskCommand({ kind: 'daily', hour: 2, minute: 0 }, job);
    expect(windowsCommandLine([cmd.file, ...cmd.args])).toBe(
      `schtasks /Create /TN opsctl\\shop-production-backup /SC DAILY /ST 02:00 /TR "cmd /c cd /d C:\\srv\\shop && ^\\"C:\\Program^ Files\\nodejs\\node.exe^\\" C:\\tools\\opsctl\\bin\\opsctl.js backup -e production -c C:\\srv\\shop\\opsctl.yaml >> C:\\srv\\shop\\.opsctl\\logs\\shop-production-backup.log 2>&1" /F`,
    );
    expect(windowsQuote('C:\\dir with space\\')).toBe('"C:\\dir with space\\\\"');
  });
  it.each([
    ['C:\\R&D\\shop', 'C:\\R^&D\\shop'],
    ['a|b', 'a^|b'],
    ['<in>', '^<in^>'],
    ['(x)^y!', '^(x^)^^y^!'],
    ['%PATH%', '^%^PATH^%'],
    ['%PATH:a=b%', '^%^PATH:a=b^%'],
    ['100%', '100^%'],
    ['C:\\Program Files\\x', '^"C:\\Program^ Files\\x^"'],
    ['say "hi"', '^"say^ \\^"hi\\^"^"'],
    ['C:\\dir with space\\', '^"C:\\dir^ with^ space\\\\^"'],
    ['', '^"^"'],
  ])('cmdArg(%j) is %s: cmd /c neither splits nor expands it', (arg, expected) => {
    expect(cmdArg(arg)).toBe(expected);
  });
  it('escapes the folder, the arguments and the log of /TR for cmd', () => {
    const run = taskRun({ ...job, cwd: 'C:\\R&D', argv: ['C:\\opsctl.exe', 'logs', '--grep', 'a|b', '--since', '1h'], logFile: 'C:\\R&D\\100%.log' });
    expect(run).toBe('cmd /c cd /d C:\\R^&D && C:\\opsctl.exe logs --grep a^|b --since 1h >> C:\\R^&D\\100^%^.log 2>&1');
  });
  it('refuses a /TR longer than schtasks takes', () => {
    expect(() => taskRun({ ...job, cwd: `C:\\${'x'.repeat(250)}` })).toThrow('schtasks accepts at most 261');
  });
});

describe('parseTaskList', () => {
  it('keeps only tasks in the opsctl folder', () => {
    const csv = [
      '"\\Microsoft\\Windows\\Defrag\\ScheduledDefrag","N/A","Ready"',
      '"\\opsctl\\shop-production-backup","11/24/2026 2:00:00 AM","Ready"',
      '"\\opsctl\\shop-production-health","N/A","Disabled"',
      '',
    ].join('\r\n');
    expect(parseTaskList(csv).map((t) => [t.name, t.schedule, t.command])).toEqual([
      ['shop-production-backup', '11/24/2026 2:00:00 AM', 'Ready'],
      ['shop-production-health', 'N/A', 'Disabled'],
    ]);
  });
});

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatCommand } from '../../../src/process/command.js';
import { registerSecret } from '../../../src/process/redact.js';

// On Windows `would run:`, `$ ...` and ToolError show the command line CreateProcess gets, quoted the way
// node.exe (libuv) quotes argv: POSIX single quotes there would be wrong to paste into cmd.exe or PowerShell.
describe('formatCommand (Windows command line)', () => {
  it('leaves plain arguments and Windows paths bare', () => {
    expect(formatCommand({ file: 'C:\\Program Files\\pm2.cmd', args: ['start', 'Z:\\srv\\shop\\pm2-process.json', '--only', 'api'] }, 'win32')).toBe(
      '"C:\\Program Files\\pm2.cmd" start Z:\\srv\\shop\\pm2-process.json --only api',
    );
  });

  it('quotes spaces, tabs, quotes and empty arguments, and escapes backslashes only before a quote', () => {
    expect(formatCommand({ file: 'git', args: ['commit', '-m', "it's done", '', '$HOME', 'a;b', 'say "hi"', 'C:\\dir with space\\', 'a\\\\"b'] }, 'win32')).toBe(
      `git commit -m "it's done" "" $HOME a;b "say \\"hi\\"" "C:\\dir with space\\\\" "a\\\\\\\\\\"b"`,
    );
  });

  it('masks secrets before quoting', () => {
    registerSecret('pa"ss word-77');
    expect(formatCommand({ file: 'psql', args: ['postgres://app:hunter2@db:5432/main', '--password=pa"ss word-77'] }, 'win32')).toBe(
      'psql postgres://app:***@db:5432/main --password=***',
    );
  });

  // The line is what node.exe parses back into argv: run it verbatim and compare. Only Windows (and Wine,
  // on every CI run) has a CreateProcess to parse it; elsewhere the expected lines above are the check.
  it.runIf(process.platform === 'win32')('is parsed back by node.exe into the same argv', () => {
    const args = ['plain', 'with space', '', 'say "hi"', 'C:\\dir with space\\', 'a\\\\"b', 'tab\there'];
    const line = formatCommand({ file: process.execPath, args: ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args] }, 'win32');
    const result = spawnSync(process.execPath, [line.slice(formatCommand({ file: process.execPath, args: [] }, 'win32').length + 1)], {
      windowsVerbatimArguments: true,
      encoding: 'utf8',
    });
    expect(JSON.parse(result.stdout)).toEqual(args);
  });

  it('is the default on win32 only, POSIX quoting elsewhere', () => {
    expect(formatCommand({ file: 'psql', args: ['-c', 'select 1'] })).toBe(process.platform === 'win32' ? 'psql -c "select 1"' : "psql -c 'select 1'");
  });
});

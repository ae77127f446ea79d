import { describe, expect, it } from 'vitest';
import { RCLONE_MINIMUM } from '../../../src/backup/remote/rclone.js';
import { checkTool } from '../../../src/doctor/checks.js';
import { isOlder } from '../../../src/doctor/tool-versions.js';
import { TOOLS, type ToolInfo } from '../../../src/process/tools.js';
import { createTestContext, fakeExecutable } from '../../support/context.js';
import { fixture } from '../helpers.js';

const rclone = TOOLS.find((t) => t.name === 'rclone')!;
// What Debian 12's rclone printed; Debian 10's 1.45 said the same with its own version.
const captured = fixture('versions/rclone-version.txt');

/** checkTool on a PATH holding only `tool`, which answers its version command with `stdout`. */
async function checkWith(tool: ToolInfo, stdout: string) {
  const t = createTestContext({ config: 'version: 1\nenvironments: { p: { target: { pm2: { script: a.js } } } }\n', commands: [{ file: tool.versionCommand.file, args: tool.versionCommand.args, stdout }] });
  fakeExecutable(t.binDir, tool.versionCommand.file);
  return checkTool(tool, t.ctx.runner, t.ctx.env);
}
const check = (stdout: string) => checkWith(rclone, stdout);

describe('isOlder', () => {
  it('compares the numbers, part by part, ignoring a suffix', () => {
    expect(isOlder('1.45', '1.51')).toBe(true);
    expect(isOlder('1.50.2', '1.51')).toBe(true);
    expect(isOlder('1.51', '1.51')).toBe(false);
    expect(isOlder('1.60.1-DEV', '1.51')).toBe(false);
    expect(isOlder('1.9', '1.51')).toBe(true);
    expect(isOlder('2.0', '1.51')).toBe(false);
  });
  it('does not call a version it cannot read old', () => {
    expect(isOlder('DEV', '1.51')).toBe(false);
  });
});

describe('checkTool: rclone and the oldest version opsctl works with', () => {
  it('is ok with Debian 12\'s rclone, reporting its version and the minimum', async () => {
    expect(await check(captured)).toMatchObject({ status: 'ok', version: '1.60.1-DEV', minimum: RCLONE_MINIMUM.version, detail: expect.stringContaining(`${RCLONE_MINIMUM.version} or newer needed`) });
  });
  it('fails an rclone older than the flags opsctl passes, saying which and what to install', async () => {
    const result = await check(captured.replace('v1.60.1-DEV', 'v1.45'));
    expect(result).toMatchObject({ status: 'fail', version: '1.45', minimum: '1.51' });
    expect(result.detail).toContain('is 1.45: opsctl needs 1.51 or newer (lsjson --no-mimetype)');
    expect(result.hint).toMatch(/^rclone 1\.51 or newer is needed\. Install rclone .*apt-get install rclone/);
  });
  it('names no minimum for a tool without one', async () => {
    const git = await checkWith(TOOLS.find((tool) => tool.name === 'git')!, fixture('versions/git.txt'));
    expect(git.status).toBe('ok');
    expect(git.minimum).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { ToolError } from '../../../src/errors.js';
import { command } from '../../../src/process/command.js';
import { scriptedRunner } from '../../support/scripted-runner.js';

const jlist = command('pm2', ['jlist'], { readOnly: true });
const reload = command('pm2', ['reload', 'api'], { readOnly: false });

// These tests check the checker: verification at the end of the test is off and called by hand.
describe('scriptedRunner', () => {
  it('answers an expected command with its scripted output and records it', async () => {
    const runner = scriptedRunner([{ file: 'pm2', args: ['jlist'], stdout: '[]' }], { verifyAtEnd: false });
    expect(await runner.run(jlist)).toEqual({ stdout: '[]', stderr: '', exitCode: 0, skipped: false });
    expect(runner.lines()).toEqual(['pm2 jlist']);
    expect(() => runner.verify()).not.toThrow();
  });

  it('rejects a command it was not told to expect, and verify fails even if the code swallowed the error', async () => {
    const runner = scriptedRunner([{ file: 'pm2', args: ['jlist'] }], { verifyAtEnd: false });
    await runner.run(reload).catch(() => undefined);
    await runner.run(jlist);
    expect(runner.unexpected).toEqual([reload]);
    expect(() => runner.verify()).toThrow('scripted runner: unexpected command: pm2 reload api');
  });

  it('matches the exact argv', async () => {
    const runner = scriptedRunner([{ file: 'pm2', args: ['jlist', '--silent'] }], { verifyAtEnd: false });
    await expect(runner.run(jlist)).rejects.toThrow(/unexpected command: pm2 jlist\n {2}still expected: pm2 jlist --silent/);
  });

  it('fails verification when an expected command never ran, unless it is optional', () => {
    const strict = scriptedRunner([{ file: 'pm2', args: ['jlist'] }], { verifyAtEnd: false });
    expect(() => strict.verify()).toThrow('scripted runner: expected but never ran: pm2 jlist');
    const lenient = scriptedRunner([{ file: 'pm2', args: ['jlist'], optional: true }], { verifyAtEnd: false });
    expect(() => lenient.verify()).not.toThrow();
  });

  it('answers each expectation once', async () => {
    const runner = scriptedRunner([{ file: 'pm2', args: ['jlist'] }], { verifyAtEnd: false });
    await runner.run(jlist);
    await expect(runner.run(jlist)).rejects.toThrow('unexpected command');
  });

  it('under dry-run, does not run a changing command (and needs no expectation for it) but runs read-only ones', async () => {
    const runner = scriptedRunner([{ file: 'pm2', args: ['jlist'], stdout: '[]' }], { dryRun: true, verifyAtEnd: false });
    expect(await runner.run(reload)).toEqual({ stdout: '', stderr: '', exitCode: 0, skipped: true });
    expect((await runner.run(jlist)).skipped).toBe(false);
    expect([runner.skipped, runner.ran]).toEqual([[reload], [jlist]]);
    expect(() => runner.verify()).not.toThrow();
  });

  it('throws ToolError on a scripted failure unless the caller allows failure, like the real runner', async () => {
    const runner = scriptedRunner(
      [
        { file: 'pm2', args: ['jlist'], exitCode: 1, stderr: 'connect ENOENT rpc.sock' },
        { file: 'pm2', args: ['jlist'], exitCode: 1 },
      ],
      { verifyAtEnd: false },
    );
    await expect(runner.run(jlist)).rejects.toThrow(ToolError);
    expect((await runner.run(jlist, { allowFailure: true })).exitCode).toBe(1);
  });

  it('flags a command whose readOnly mark differs from the script', async () => {
    const runner = scriptedRunner([{ file: 'pm2', args: ['reload', 'api'], readOnly: true }], { verifyAtEnd: false });
    await runner.run(reload);
    expect(() => runner.verify()).toThrow('should have readOnly=true');
  });
});

// The built CLI on input that used to hang it past Ctrl-C and --timeout: a FIFO as log file or .env,
// and a --grep that backtracks exponentially. Each run must return, with the exit code users rely on.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, removeTempDirs, runCli, whichTool, writeConfig } from '../support/real-cli.js';
import { requireTool } from '../support/real-tools.js';

const target = { pm2: { name: 'hostile', script: 'app.js' } };

describe.skipIf(!requireTool('mkfifo', () => (whichTool('mkfifo') ? undefined : 'mkfifo is not on PATH')))('hostile input to the built CLI', () => {
  let dir: string;
  const env = cleanEnv({ OPSCTL_ENV: 'prod' });
  // The child is killed after 60 s (runCli's timeout): a hang shows as exit -1, not as a stuck test run.
  const cli = (args: string[], cwd = dir) => runCli(args, { cwd, env, timeoutMs: 60_000 });

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('hostile-input');
    execFileSync('mkfifo', [path.join(dir, 'pipe.log')]);
    writeFileSync(path.join(dir, 'hostile.log'), `${'a'.repeat(40)}!\naaaa\n`);
    writeConfig(dir, { version: 1, app: 'hostile', environments: { prod: { target, logs: { files: ['hostile.log', 'pipe.log'], pm2: false } } } });
  }, 120_000);

  afterAll(() => removeTempDirs());

  it("logs --grep '(a+)+$' on a line of 40 a and a '!' returns and prints the line that matches (exit 0)", async () => {
    const result = await cli(['logs', '--source', 'hostile.log', '--grep', '(a+)+$', '--timeout', '30s']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').map((l) => l.split(' ').at(-1))).toEqual(['aaaa']);
  });

  it('logs on a FIFO log file refuses it instead of blocking in open() (exit 1)', async () => {
    const result = await cli(['logs', '--source', 'pipe.log', '--timeout', '30s']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/pipe\.log is not a regular file \(a pipe, socket or device\)/);
  });

  it('a .env that is a FIFO is a config error (exit 2) instead of a hang', async () => {
    const other = makeTempDir('hostile-env');
    writeConfig(other, { version: 1, app: 'hostile', environments: { prod: { target } } });
    execFileSync('mkfifo', [path.join(other, '.env')]);
    const result = await cli(['status', '--timeout', '30s'], other);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/\.env is not a regular file/);
  });
});

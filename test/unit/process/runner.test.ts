import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InterruptedError, TimeoutError, ToolError, ToolMissingError } from '../../../src/errors.js';
import { command } from '../../../src/process/command.js';
import { createRunner } from '../../../src/process/runner.js';
import { requireTool } from '../../support/real-tools.js';
import { caught, tempDir } from '../helpers.js';

const node = process.execPath;

function runnerWith(options: { dryRun?: boolean; verbose?: boolean; signal?: AbortSignal } = {}) {
  const lines: string[] = [];
  const runner = createRunner({
    dryRun: Boolean(options.dryRun),
    verbose: Boolean(options.verbose),
    signal: options.signal ?? new AbortController().signal,
    log: (line) => lines.push(line),
  });
  return { runner, lines };
}

/** `node -e <script> [args]`: a real child process that needs nothing but node. */
function nodeScript(script: string, args: string[] = [], readOnly = true, extra: { env?: Record<string, string>; input?: string } = {}) {
  return command(node, ['-e', script, ...args], { readOnly, ...extra });
}

describe('createRunner', () => {
  it('runs a command and returns its output', async () => {
    const { runner } = runnerWith();
    expect(await runner.run(nodeScript('process.stdout.write("out"); process.stderr.write("err")'))).toEqual({ stdout: 'out', stderr: 'err', exitCode: 0, skipped: false });
  });

  it('gives the child its env and stdin without putting them in argv', async () => {
    const { runner } = runnerWith();
    const cmd = nodeScript('let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(process.env.PGPASSWORD+"|"+s))', [], true, {
      env: { PGPASSWORD: 'from-env' },
      input: 'from-stdin',
    });
    expect((await runner.run(cmd)).stdout).toBe('from-env|from-stdin');
  });

  describe('--dry-run', () => {
    it('prints a changing command as "would run:" and does not run it', async () => {
      const dir = tempDir();
      const marker = path.join(dir, 'written');
      const { runner, lines } = runnerWith({ dryRun: true });
      const result = await runner.run(nodeScript('require("fs").writeFileSync(process.argv[1], "x")', [marker], false));
      expect(result).toEqual({ stdout: '', stderr: '', exitCode: 0, skipped: true });
      expect(existsSync(marker)).toBe(false);
      const script = process.platform === 'win32' ? '"require(\\"fs\\").writeFileSync(process.argv[1], \\"x\\")"' : `'require("fs").writeFileSync(process.argv[1], "x")'`;
      expect(lines).toEqual([`would run: ${node} -e ${script} ${marker}`]);
    });

    it('still runs a read-only probe', async () => {
      const { runner, lines } = runnerWith({ dryRun: true });
      expect(await runner.run(nodeScript('process.stdout.write("v1.2.3")'))).toMatchObject({ stdout: 'v1.2.3', skipped: false });
      expect(lines).toEqual([]);
    });

    it('masks secrets in the plan', async () => {
      const { runner, lines } = runnerWith({ dryRun: true });
      await runner.run(command('psql', ['postgres://app:plan-secret@db/main', '-f', 'restore.sql'], { readOnly: false }));
      expect(lines).toEqual(['would run: psql postgres://app:***@db/main -f restore.sql']);
    });
  });

  it('with verbose, logs each command as "$ ..." with secrets masked', async () => {
    const { runner, lines } = runnerWith({ verbose: true });
    await runner.run(nodeScript('0', ['postgres://app:verbose-secret@db/main']));
    expect(lines).toEqual([`$ ${node} -e 0 postgres://app:***@db/main`]);
  });

  it('reports a missing executable as ToolMissingError (exit 127) with a hint', async () => {
    const { runner } = runnerWith();
    const error = await caught(runner.run(command('opsctl-no-such-tool', ['--version'], { readOnly: true })));
    expect(error).toBeInstanceOf(ToolMissingError);
    expect(error).toMatchObject({ exitCode: 127, message: 'opsctl-no-such-tool is not installed or not on PATH.', hint: 'Install opsctl-no-such-tool and make sure it is on PATH.' });
  });

  it('gives a known tool its own install hint', async () => {
    const { runner } = runnerWith();
    const emptyPath = tempDir();
    const error = await caught(runner.run(command('pg_dump', ['--version'], { readOnly: true, env: { PATH: emptyPath } })));
    expect(error).toBeInstanceOf(ToolMissingError);
    expect((error as ToolMissingError).hint).toContain('postgresql-client');
  });

  describe('a failing command', () => {
    const failing = nodeScript(
      'for (let i = 0; i < 20; i++) console.error("line " + i + " for " + process.argv[1]); process.exit(3)',
      ['postgres://app:fail-secret@db/main'],
    );

    it('throws ToolError naming the masked argv, the exit code and the last stderr lines', async () => {
      const { runner } = runnerWith();
      const error = (await caught(runner.run(failing))) as ToolError;
      expect(error).toBeInstanceOf(ToolError);
      expect(error.exitCode).toBe(1);
      const [first, ...tail] = error.message.split('\n');
      const script = 'for (let i = 0; i < 20; i++) console.error("line " + i + " for " + process.argv[1]); process.exit(3)';
      const quoted = process.platform === 'win32' ? `"${script.replaceAll('"', '\\"')}"` : `'${script}'`;
      expect(first).toBe(`${node} -e ${quoted} postgres://app:***@db/main failed with exit code 3.`);
      expect(tail).toEqual(Array.from({ length: 12 }, (_, i) => `line ${i + 8} for postgres://app:***@db/main`));
      expect(error.message).not.toContain('fail-secret');
      expect(error.details).toMatchObject({ exitCode: 3 });
      expect(JSON.stringify(error.details)).not.toContain('fail-secret');
    });

    it('returns the exit code instead when failure is allowed', async () => {
      const { runner } = runnerWith();
      expect(await runner.run(failing, { allowFailure: true })).toMatchObject({ exitCode: 3, skipped: false });
    });
  });

  describe.skipIf(!requireTool('posix-signals'))('a command killed by a signal (a real child that sends itself SIGKILL)', () => {
    const killed = nodeScript('console.error("about to die"); process.kill(process.pid, "SIGKILL")');

    it('throws ToolError saying which signal killed it, not "exit code 1"', async () => {
      const { runner } = runnerWith();
      const error = (await caught(runner.run(killed))) as ToolError;
      expect(error).toBeInstanceOf(ToolError);
      expect(error.message.split('\n')[0]).toMatch(/ was killed by SIGKILL\.$/);
      expect(error.message).toContain('about to die');
      expect(error.details).toMatchObject({ signal: 'SIGKILL' });
    });

    it('names the signal in the result when failure is allowed', async () => {
      const { runner } = runnerWith();
      expect(await runner.run(killed, { allowFailure: true })).toMatchObject({ exitCode: 1, signal: 'SIGKILL', skipped: false });
    });
  });

  describe('abort', () => {
    const sleeper = nodeScript('setTimeout(() => {}, 20000)');

    it('stops a running child and throws InterruptedError (130) when aborted without a reason of ours', async () => {
      const controller = new AbortController();
      const { runner } = runnerWith({ signal: controller.signal });
      const started = Date.now();
      setTimeout(() => controller.abort(), 200);
      const error = await caught(runner.run(sleeper));
      expect(error).toBeInstanceOf(InterruptedError);
      expect((error as InterruptedError).exitCode).toBe(130);
      // Well before the sleeper's 20 s; on Windows the run first waits for taskkill /T, seconds under Wine at load.
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it('throws the abort reason itself, e.g. the --timeout TimeoutError', async () => {
      const controller = new AbortController();
      const timeout = new TimeoutError('Timed out after 1s.');
      const { runner } = runnerWith({ signal: controller.signal });
      setTimeout(() => controller.abort(timeout), 200);
      expect(await caught(runner.run(sleeper))).toBe(timeout);
    });

    it('runs nothing once already aborted', async () => {
      const dir = tempDir();
      const marker = path.join(dir, 'ran');
      const controller = new AbortController();
      controller.abort(new InterruptedError('Interrupted.'));
      const { runner } = runnerWith({ signal: controller.signal });
      expect(await caught(runner.run(nodeScript('require("fs").writeFileSync(process.argv[1], "")', [marker])))).toBeInstanceOf(InterruptedError);
      expect(existsSync(marker)).toBe(false);
    });
  });

  it('settles at once when aborted even if a grandchild keeps the output pipe open', async () => {
    // The child starts a grandchild that inherits stdout and outlives it, as a .cmd shim's node or a
    // script's background job does; opsctl must not wait for that pipe to close.
    const grandparent = nodeScript(
      'require("child_process").spawn(process.execPath, ["-e", "setTimeout(() => {}, 15000)"], { stdio: "inherit" }); setTimeout(() => {}, 15000)',
    );
    const controller = new AbortController();
    const { runner } = runnerWith({ signal: controller.signal });
    const started = Date.now();
    setTimeout(() => controller.abort(new TimeoutError('Timed out after 1s.')), 300);
    expect(await caught(runner.run(grandparent))).toBeInstanceOf(TimeoutError);
    // Well before the pipe closes (15 s); on Windows the run first waits for taskkill /T (seconds under Wine at load).
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('says a missing working directory is missing, not that the tool is', async () => {
    const { runner } = runnerWith();
    const error = await caught(runner.run(command(node, ['-e', '0'], { readOnly: true, cwd: path.join(tempDir(), 'gone') })));
    expect(error).not.toBeInstanceOf(ToolMissingError);
    expect(error).toMatchObject({ exitCode: 1, message: expect.stringContaining('working directory') });
  });

  it('looks the tool up on the PATH the command will run with', async () => {
    const { runner } = runnerWith();
    const error = await caught(runner.run(command('node', ['-e', '0'], { readOnly: true, env: { PATH: tempDir() } })));
    expect(error).toBeInstanceOf(ToolMissingError);
  });
});

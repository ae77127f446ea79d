import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Digest } from '../../../src/backup/digest.js';
import { InterruptedError, ToolError, ToolMissingError } from '../../../src/errors.js';
import { command } from '../../../src/process/command.js';
import { createRunner } from '../../../src/process/runner.js';
import { caught, tempDir } from '../helpers.js';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';

const node = process.execPath;

function runnerWith(options: { dryRun?: boolean; signal?: AbortSignal } = {}) {
  const lines: string[] = [];
  const runner = createRunner({ dryRun: Boolean(options.dryRun), verbose: true, signal: options.signal ?? new AbortController().signal, log: (l) => lines.push(l) });
  return { runner, lines };
}

/** Writes `count` chunks of 64 KiB of byte `fill` to stdout, honouring backpressure, then exits with `code`. */
function producer(count: number, code = 0, env: Record<string, string> = {}) {
  const script = `const n=${count};let i=0;const b=Buffer.alloc(65536,7);function w(){while(i<n){i++;if(!process.stdout.write(b))return process.stdout.once('drain',w)}process.stderr.write('done');process.stdout.end(()=>process.exit(${code}))}w()`;
  return command(node, ['-e', script], { readOnly: false, env });
}

describe('runner.stream', () => {
  it('pipes stdout through the digest into the file: sha256 and size match the bytes on disk', async () => {
    const { runner, lines } = runnerWith();
    const file = path.join(tempDir(), 'out.bin');
    const digest = new Digest();
    const result = await runner.stream(producer(80), { through: [digest], to: createWriteStream(file) });
    const onDisk = readFileSync(file);
    expect(result).toEqual({ stdout: '', stderr: 'done', exitCode: 0, skipped: false });
    expect(digest.bytes).toBe(80 * 65536);
    expect(onDisk.length).toBe(80 * 65536);
    expect(digest.sha256()).toBe(createHash('sha256').update(onDisk).digest('hex'));
    expect(lines[0]).toMatch(/^\$ .* > \(stream\)$/);
  });

  it('does not buffer: a slow sink holds the child back (backpressure)', async () => {
    const { runner } = runnerWith();
    let received = 0;
    let maxAhead = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _e, cb) {
        received += chunk.length;
        setTimeout(cb, 1);
      },
    });
    const digest = new Digest();
    const watch = setInterval(() => (maxAhead = Math.max(maxAhead, digest.bytes - received)), 1);
    await runner.stream(producer(64), { through: [digest], to: slow });
    clearInterval(watch);
    expect(received).toBe(64 * 65536);
    // 4 MiB went through; what was in flight at any time stays a few pipe buffers, not the whole output.
    expect(maxAhead).toBeLessThan(1024 * 1024);
  });

  it('a failing child is a ToolError with its stderr, after the data it wrote', async () => {
    const { runner } = runnerWith();
    const file = path.join(tempDir(), 'out.bin');
    const error = await caught(runner.stream(producer(2, 3), { to: createWriteStream(file) }));
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).message).toMatch(/failed with exit code 3/);
    expect((error as ToolError).message).toContain('done');
  });

  it('a failing write stops the child and rejects with the write error (a full disk)', async () => {
    const { runner } = runnerWith();
    const full = new Writable({ write: (_c, _e, cb) => cb(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })) });
    const started = Date.now();
    const error = await caught(runner.stream(producer(1_000_000), { to: full }));
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('an abort stops the child and rejects with InterruptedError', async () => {
    const controller = new AbortController();
    const { runner } = runnerWith({ signal: controller.signal });
    const never = command(node, ['-e', 'process.stdout.write("x");setInterval(()=>{},1000)'], { readOnly: true });
    setTimeout(() => controller.abort(new InterruptedError('Interrupted.')), 200);
    const error = await caught(runner.stream(never, { to: new Writable({ write: (_c, _e, cb) => cb() }) }));
    expect(error).toBeInstanceOf(InterruptedError);
  });

  it('under --dry-run a command that writes is only printed', async () => {
    const { runner, lines } = runnerWith({ dryRun: true });
    const result = await runner.stream(producer(1), { to: new Writable({ write: (_c, _e, cb) => cb() }) });
    expect(result.skipped).toBe(true);
    expect(lines[0]).toMatch(/^would run: .* > \(stream\)$/);
  });

  it('a missing tool is ToolMissingError, and the sink is closed', async () => {
    const { runner } = runnerWith();
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const error = await caught(runner.stream(command('no-such-tool-opsctl', [], { readOnly: true }), { to: sink }));
    expect(error).toBeInstanceOf(ToolMissingError);
    expect(sink.destroyed).toBe(true);
  });
});

describe('runner.stream with stderrTo', () => {
  it('sends stderr to its own sink instead of keeping it', async () => {
    const { runner } = runnerWith();
    const chunks: string[] = [];
    const err = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c.toString()), cb()) });
    const result = await runner.stream(producer(1), { to: new Writable({ write: (_c, _e, cb) => cb() }), stderrTo: err });
    expect(chunks.join('')).toBe('done');
    expect(result.stderr).toBe('');
  });
});

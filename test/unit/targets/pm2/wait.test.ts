import { describe, expect, it } from 'vitest';
import { waitForInstances, type WaitOptions } from '../../../../src/targets/pm2/wait.js';
import { OpsError, TimeoutError } from '../../../../src/errors.js';
import type { Pm2Process } from '../../../../src/targets/pm2/parse.js';
import { caught } from '../../helpers.js';

const instance = (pm_id: number, status: string, pid: number, restarts: number): Pm2Process =>
  ({ name: 'api', pm_id, pid, pm2_env: { status, restart_time: restarts, exec_mode: 'fork_mode' } }) as Pm2Process;

/** `pm2 jlist` answering each look with the next list (the last one repeats). */
function options(looks: Pm2Process[][], over: Partial<WaitOptions> = {}): WaitOptions & { seen: () => number } {
  let calls = 0;
  return {
    name: 'api', count: 2, timeoutMs: 5_000, signal: new AbortController().signal, now: Date.now, pollMs: 5, stableMs: 60,
    list: async () => looks[Math.min(calls++, looks.length - 1)]!,
    seen: () => calls,
    ...over,
  };
}

describe('waiting for pm2 to run the count', () => {
  it('returns once every instance is online and stays so, same pids and restarts', async () => {
    const steady = [instance(0, 'online', 100, 0), instance(1, 'online', 101, 0)];
    const wait = options([[instance(0, 'online', 100, 0), instance(1, 'launching', 0, 0)], steady]);
    await waitForInstances(wait);
    expect(wait.seen()).toBeGreaterThan(3);
  });

  it('fails when an instance said online once, then crash-loops (fork mode on a fixed port: EADDRINUSE)', async () => {
    const error = await caught(waitForInstances(options([
      [instance(0, 'online', 100, 0), instance(1, 'online', 201, 0)],
      [instance(0, 'online', 100, 0), instance(1, 'online', 202, 1)],
    ])));
    expect(error).toBeInstanceOf(OpsError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect((error as OpsError).message).toBe('2 instances of api do not stay up: instance 0 online (pid 100, 0 restarts); instance 1 online (pid 202, 1 restarts).');
    expect((error as OpsError).hint).toMatch(/EADDRINUSE/);
  });

  it('fails at once, without waiting for the timeout, when pm2 gave up on an instance (errored)', async () => {
    const error = await caught(waitForInstances(options([[instance(0, 'online', 100, 0), instance(1, 'errored', 0, 15)]], { timeoutMs: 60_000 })));
    expect((error as OpsError).message).toBe('2 instances of api do not stay up: instance 0 online (pid 100, 0 restarts); instance 1 errored (pid 0, 15 restarts).');
  });

  it('still times out when the count never comes', async () => {
    const error = await caught(waitForInstances(options([[instance(0, 'online', 100, 0)]], { timeoutMs: 30 })));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/did not reach 2 online instances of api .*: 1\/1 online/);
  });
});

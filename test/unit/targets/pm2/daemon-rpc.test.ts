import { describe, expect, it } from 'vitest';
import { callDaemon, DaemonRpcError, decodeFrame, encodeFrame } from '../../../../src/targets/pm2/daemon-rpc.js';
import { socketPathIn, startFakeDaemon, startSilentDaemon } from '../../../support/fake-pm2-daemon.js';
import { caught, tempDir } from '../../helpers.js';

const never = () => new AbortController().signal;
const monitor = { method: 'getMonitorData', args: [{}] };

/** A process list as pm2 keeps it, each app with a large env (pm2 copies the whole environment into each). */
function bigList(count: number) {
  const env = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`VAR_${i}`, `value ${'x'.repeat(30)} ${i} é ✓`]));
  return Array.from({ length: count }, (_, i) => ({ name: 'api', pm_id: i, pid: 1000 + i, monit: { memory: 1e7, cpu: 1.5 }, pm2_env: { status: 'online', restart_time: i, env } }));
}

describe("pm2's daemon RPC (axon-rpc over the daemon's socket)", () => {
  it('reads getMonitorData from pm2-axon-rpc, a list of several MB that arrives in many chunks', async () => {
    const list = bigList(200);
    const socket = socketPathIn(tempDir());
    await startFakeDaemon(socket, { getMonitorData: (_arg, cb) => cb(null, list) });
    const [answer] = await callDaemon(socket, [monitor], never());
    expect(JSON.stringify(list).length).toBeGreaterThan(2_000_000);
    expect(answer).toEqual([list]);
  });

  it('matches each answer to its call by id, whatever order the daemon answers in', async () => {
    const socket = socketPathIn(tempDir());
    await startFakeDaemon(socket, {
      getReport: (_arg, cb) => setTimeout(() => cb(null, { env: { PM2_HOME: '/home/app/.pm2' } }), 50),
      getMonitorData: (_arg, cb) => cb(null, []),
    });
    const answers = await callDaemon(socket, [{ method: 'getReport', args: [{}] }, monitor], never());
    expect(answers).toEqual([[{ env: { PM2_HOME: '/home/app/.pm2' } }], [[]]]);
  });

  it('fails with DaemonRpcError when the daemon answers an error, never with the values', async () => {
    const socket = socketPathIn(tempDir());
    await startFakeDaemon(socket, { getMonitorData: (_arg, cb) => cb(new Error('pidusage failed\nat stack')) });
    const error = await caught(callDaemon(socket, [monitor], never()));
    expect(error).toBeInstanceOf(DaemonRpcError);
    expect((error as Error).message).toBe("pm2's daemon refused getMonitorData: pidusage failed");
  });

  it('fails with DaemonRpcError for a method the daemon does not have', async () => {
    const socket = socketPathIn(tempDir());
    await startFakeDaemon(socket, {});
    expect(await caught(callDaemon(socket, [monitor], never()))).toBeInstanceOf(DaemonRpcError);
  });

  it('fails with DaemonRpcError when nothing listens on the socket', async () => {
    const error = await caught(callDaemon(socketPathIn(tempDir()), [monitor], never()));
    expect(error).toBeInstanceOf(DaemonRpcError);
    expect((error as Error).message).toMatch(/ENOENT/);
  });

  it("stops at the signal's reason when the daemon accepts and never answers", async () => {
    const socket = socketPathIn(tempDir());
    await startSilentDaemon(socket);
    const reason = new Error('deadline');
    expect(await caught(callDaemon(socket, [monitor], AbortSignal.timeout(100)))).toMatchObject({ name: 'TimeoutError' });
    const stopped = new AbortController();
    stopped.abort(reason);
    expect(await caught(callDaemon(socket, [monitor], stopped.signal))).toBe(reason);
  });
});

describe('amp frames (what pm2-axon writes)', () => {
  it('round-trips strings and JSON, and asks for more bytes at every split point', () => {
    const frame = encodeFrame([{ args: [[{ name: 'api' }]] }, 'opsctl:0']);
    for (let cut = 0; cut < frame.length; cut += 1) {
      const partial = decodeFrame(frame.subarray(0, cut));
      expect('need' in partial && partial.need > cut, `cut at ${cut}`).toBe(true);
    }
    expect(decodeFrame(Buffer.concat([frame, Buffer.from([0x12])]))).toEqual({ args: [{ args: [[{ name: 'api' }]] }, 'opsctl:0'], used: frame.length });
  });

  it('refuses a frame of another amp version and one that claims more than 256 MB', () => {
    expect(() => decodeFrame(Buffer.from([0x21, 0, 0, 0, 0]))).toThrow(DaemonRpcError);
    expect(() => decodeFrame(Buffer.from([0x11, 0x20, 0, 0, 0]))).toThrow(/byte message/);
  });
});

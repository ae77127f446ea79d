import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TcpProbeConfig } from '../config/schema.js';
import { formatDuration } from '../config/duration.js';
import { withDeadline } from '../process/deadline.js';
import type { Attempt } from './http.js';
import { byThreshold } from './types.js';

export type TcpProbe = Pick<TcpProbeConfig, 'host' | 'port' | 'send' | 'expect' | 'warnMs'> & { timeoutMs: number };

/** Enough to find an expected banner or answer; more is not kept. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Connects (the manuals' `nc -z`), optionally writes `send` and waits for `expect` in the answer. Never throws. */
export async function probeTcp(probe: TcpProbe, signal: AbortSignal): Promise<Attempt> {
  const target = `${probe.host}:${probe.port}`;
  const started = performance.now();
  try {
    const answered = await withDeadline(probe.timeoutMs, (deadline) => exchange(probe, AbortSignal.any([signal, deadline])));
    const elapsed = Math.round(performance.now() - started);
    if (probe.expect !== undefined && !answered.includes(probe.expect)) {
      return { kind: 'tcp', target, state: 'unhealthy', value: elapsed, unit: 'ms', reason: `the answer does not contain ${JSON.stringify(probe.expect)}` };
    }
    const state = byThreshold(elapsed, probe.warnMs, undefined);
    const reason = state === 'healthy' ? `connected in ${elapsed} ms` : `slow: ${elapsed} ms (warning above ${probe.warnMs} ms)`;
    return { kind: 'tcp', target, state, value: elapsed, unit: 'ms', reason };
  } catch (error) {
    if (signal.aborted) return { kind: 'tcp', target, state: 'unhealthy', reason: 'interrupted' };
    return { kind: 'tcp', target, state: 'unhealthy', reason: describe(error, probe) };
  }
}

/** Resolves with what the server said: at once after connecting without `expect`, else once it holds `expect` or the server closes. */
function exchange(probe: TcpProbe, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: probe.host, port: probe.port, signal });
    let answer = '';
    const done = () => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('connect', () => {
      if (probe.send !== undefined) socket.write(probe.send);
      if (probe.expect === undefined) done();
    });
    socket.on('data', (chunk: Buffer) => {
      if (answer.length < MAX_ANSWER_BYTES) answer += chunk.toString('utf8');
      if (answer.includes(probe.expect!) || answer.length >= MAX_ANSWER_BYTES) done();
    });
    socket.once('end', done);
    socket.once('error', reject);
  });
}

function describe(error: unknown, probe: TcpProbe): string {
  const err = error as NodeJS.ErrnoException;
  if (err.name === 'AbortError' || err.name === 'TimeoutError') {
    return probe.expect === undefined ? `no connection within ${formatDuration(probe.timeoutMs)}` : `no ${JSON.stringify(probe.expect)} within ${formatDuration(probe.timeoutMs)}`;
  }
  if (err.code === 'ECONNREFUSED') return 'connection refused';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `host not found: ${probe.host}`;
  if (err.code === 'ECONNRESET') return 'connection reset by the server';
  return err.message || String(error);
}

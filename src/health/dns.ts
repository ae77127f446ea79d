import { Resolver } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import type { DnsProbeConfig } from '../config/schema.js';
import { formatDuration } from '../config/duration.js';
import type { Attempt } from './http.js';

export type DnsProbe = Pick<DnsProbeConfig, 'host' | 'type' | 'server' | 'expect'> & { timeoutMs: number };

/** Resolves `host` (against `server` when given) and checks the answer holds the expected address. Never throws. */
export async function probeDns(probe: DnsProbe, signal: AbortSignal): Promise<Attempt> {
  const target = `${probe.host} ${probe.type}${probe.server ? ` @${probe.server}` : ''}`;
  // One try per attempt: the probe's own retries repeat it, and the timeout is the probe's.
  const resolver = new Resolver({ timeout: probe.timeoutMs, tries: 1 });
  if (probe.server) resolver.setServers([probe.server]);
  const onAbort = () => resolver.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  const started = performance.now();
  try {
    const addresses = probe.type === 'AAAA' ? await resolver.resolve6(probe.host) : await resolver.resolve4(probe.host);
    const elapsed = Math.round(performance.now() - started);
    const wanted = probe.expect === undefined ? [] : [probe.expect].flat();
    const details = { addresses };
    if (wanted.length > 0 && !wanted.some((address) => addresses.includes(address))) {
      return { kind: 'dns', target, state: 'unhealthy', value: elapsed, unit: 'ms', reason: `resolves to ${addresses.join(', ')}, expected ${wanted.join(' or ')}`, details };
    }
    return { kind: 'dns', target, state: 'healthy', value: elapsed, unit: 'ms', reason: `${addresses.join(', ')} in ${elapsed} ms`, details };
  } catch (error) {
    if (signal.aborted) return { kind: 'dns', target, state: 'unhealthy', reason: 'interrupted' };
    return { kind: 'dns', target, state: 'unhealthy', reason: describe(error as NodeJS.ErrnoException, probe) };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Why `server` is not an address setServers takes ("10.0.0.2", "127.0.0.1:5353", "[::1]:5353"), or undefined. */
export function serverProblem(server: string): string | undefined {
  try {
    new Resolver().setServers([server]);
    return undefined;
  } catch {
    return `${JSON.stringify(server)} is not an IP address with an optional port`;
  }
}

function describe(error: NodeJS.ErrnoException, probe: DnsProbe): string {
  switch (error.code) {
    case 'ENOTFOUND':
      return `${probe.host} does not exist (NXDOMAIN)`;
    case 'ENODATA':
      return `${probe.host} has no ${probe.type} record`;
    case 'ETIMEOUT':
      return `no answer from ${probe.server ?? 'the DNS servers'} within ${formatDuration(probe.timeoutMs)}`;
    case 'ECONNREFUSED':
      return `${probe.server ?? 'the DNS server'} refused the query`;
    case 'ESERVFAIL':
      return `${probe.server ?? 'the DNS server'} failed to answer (SERVFAIL)`;
    default:
      return error.message;
  }
}

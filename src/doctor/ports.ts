import type { SelectedEnvironment } from '../config/select.js';
import type { Runner } from '../process/runner.js';
import { kindOf } from '../targets/registry.js';
import type { TargetKind } from '../targets/types.js';
import type { Check } from './checks.js';
import { portHolders, type Holder } from './port-holders.js';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0', '[::]']);

/** The local health endpoints' ports (http://localhost:8080/health -> 8080), each once. */
export function localPorts(env: SelectedEnvironment): { port: number; endpoint: string }[] {
  const seen = new Map<number, string>();
  for (const endpoint of env.config.health.endpoints) {
    if (!URL.canParse(endpoint.url)) continue;
    const url = new URL(endpoint.url);
    if (!LOCAL_HOSTS.has(url.hostname) || !/^https?:$/.test(url.protocol)) continue;
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (!seen.has(port)) seen.set(port, endpoint.name);
  }
  return [...seen].map(([port, endpoint]) => ({ port, endpoint }));
}

/**
 * Whether a holder is the target itself, per kind: pm2 runs the app under its God Daemon (which holds the
 * port in cluster mode) with its name in the app's environment; docker publishes ports through docker-proxy or dockerd.
 */
const OWN: Record<TargetKind, (holder: Holder, env: SelectedEnvironment) => boolean> = {
  pm2: (h, env) => /PM2 v[\d.]+: God Daemon/.test(h.command) || (h.pm2App !== undefined && h.pm2App === (env.config.target.pm2?.name ?? env.app)),
  compose: (h) => /(^|\/)(docker-proxy|dockerd)\b/.test(h.command),
  swarm: (h) => /(^|\/)(docker-proxy|dockerd)\b/.test(h.command),
};

/** One check a local endpoint port: free, held by the target's own process, or held by "pid N (command)". */
export async function portChecks(env: SelectedEnvironment, runner: Runner, qualify: boolean, platform = process.platform): Promise<Check[]> {
  const own = OWN[kindOf(env.config.target)];
  return Promise.all(
    localPorts(env).map(async ({ port, endpoint }): Promise<Check> => {
      const base = { name: `port ${port}${qualify ? ` (${env.name})` : ''}`, kind: 'port' as const, required: false };
      const state = await portHolders(port, runner, platform)?.catch((error: unknown) => error as Error);
      if (state === undefined) return { ...base, status: 'warn', detail: `not checked on ${platform}` };
      if (state instanceof Error) return { ...base, status: 'warn', detail: `could not read who listens: ${state.message}` };
      if (!state.listening) return { ...base, status: 'ok', detail: `free: nothing listens on ${port} (endpoint ${endpoint})` };
      if (state.holders.length === 0) return { ...base, status: 'warn', detail: `held by a process of another user (endpoint ${endpoint})`, hint: 'Run doctor as that user or root to see which.' };
      const named = state.holders.map((h) => `pid ${h.pid} (${h.command.slice(0, 80) || '?'})`).join(', ');
      if (state.holders.every((h) => own(h, env))) return { ...base, status: 'ok', detail: `held by the target's own process: ${named}` };
      return {
        ...base,
        required: true,
        status: 'fail',
        detail: `held by ${named}, not by ${env.name}'s target (endpoint ${endpoint})`,
        hint: `Stop that process or move the app to another port: the app cannot listen on ${port} while it runs.`,
      };
    }),
  );
}

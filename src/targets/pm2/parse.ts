import { RELEASE_VARIABLE } from '../../deploy/types.js';
import type { Instance } from '../types.js';

export interface Pm2Process {
  pid?: number;
  name?: string;
  pm_id?: number;
  monit?: { memory?: number; cpu?: number };
  pm2_env?: {
    status?: string;
    restart_time?: number;
    pm_uptime?: number;
    version?: string;
    exec_mode?: string;
    /** The script and folder pm2 starts each instance with (paths as given, links not resolved). */
    pm_exec_path?: string;
    pm_cwd?: string;
    /** The interpreter's arguments pm2 starts each instance with (opsctl's drain preload among them). */
    node_args?: unknown;
    kill_timeout?: number;
    env?: Record<string, unknown>;
    /** Set (--time, log_date_format): pm2 stamps each log line; log_type json: it writes JSON records with a timestamp. */
    log_date_format?: string;
    log_type?: string;
  };
}

/**
 * `pm2 jlist` prints the list as JSON, sometimes after a banner and "[PM2] ..." lines (when it had
 * to start its daemon): the list is the rest of the output from the first line that parses as an array.
 */
export function parseJlist(stdout: string): Pm2Process[] {
  const lines = stdout.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    if (!lines[i]!.startsWith('[')) continue;
    try {
      const parsed: unknown = JSON.parse(lines.slice(i).join('\n'));
      if (Array.isArray(parsed)) return parsed as Pm2Process[];
    } catch {
      // A "[PM2] ..." message line: keep looking.
    }
  }
  return [];
}

export function toInstances(processes: readonly Pm2Process[], appName: string, now: number): Instance[] {
  return processes
    .filter((p) => p.name === appName)
    .map((p) => {
      const env = p.pm2_env ?? {};
      const state = env.status ?? 'unknown';
      const running = state === 'online' && typeof env.pm_uptime === 'number';
      return {
        name: `${p.name}#${p.pm_id ?? '?'}`,
        id: p.pid ? String(p.pid) : undefined,
        state,
        // restart_time already counts the unstable (fast-crash) restarts too.
        restarts: env.restart_time ?? 0,
        cpuPercent: running ? p.monit?.cpu : undefined,
        memoryBytes: running ? p.monit?.memory : undefined,
        startedAt: running ? new Date(env.pm_uptime!).toISOString() : undefined,
        uptimeMs: running ? Math.max(0, now - env.pm_uptime!) : undefined,
        version: env.version,
        ...releaseField(p),
      };
    });
}

/** The release an instance was started or reloaded with (OPSCTL_RELEASE in its environment); pm2 keeps it in env or at the top of pm2_env. */
export function releaseOf(p: Pm2Process): string | undefined {
  const env = p.pm2_env ?? {};
  const value = env.env?.[RELEASE_VARIABLE] ?? (env as Record<string, unknown>)[RELEASE_VARIABLE];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function releaseField(p: Pm2Process): { release?: string } {
  const release = releaseOf(p);
  return release ? { release } : {};
}

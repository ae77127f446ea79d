import path from 'node:path';
import { TimeoutError } from '../../errors.js';
import { withDeadline } from '../../process/deadline.js';
import type { Runner } from '../../process/runner.js';
import { pm2Commands } from './commands.js';
import { pm2Home } from './daemon.js';
import { callDaemon, type DaemonCall } from './daemon-rpc.js';
import { parseJlist, type Pm2Process } from './parse.js';

type Env = Readonly<Record<string, string | undefined>>;

const JLIST_TIMEOUT_MS = 10_000;
/** The daemon answers in milliseconds; one that does not is asked again through the pm2 CLI, within the rest of the deadline. */
const SOCKET_TIMEOUT_MS = 3_000;
/** pm2's paths.js: on Windows every PM2_HOME's daemon listens on this one pipe. */
const WINDOWS_RPC_PIPE = '\\\\.\\pipe\\rpc.sock';

/** A look at pm2 that took too long (withDeadline: a timer of its own, see process/deadline.ts). */
export class JlistTimeout extends TimeoutError {}

function jlistTimeout(): JlistTimeout {
  return new JlistTimeout(`pm2 jlist did not answer within ${JLIST_TIMEOUT_MS / 1000}s.`, 'Check the pm2 daemon (pm2 ping); pm2 kill ends it and every app it runs.');
}

/** Where pm2's CLI finds its daemon (pm2's paths.js): PM2_DAEMON_RPC_PORT, else PM2_HOME/rpc.sock; Windows' fixed pipe. */
export function rpcSocketPath(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return WINDOWS_RPC_PIPE;
  return env.PM2_DAEMON_RPC_PORT || path.resolve(pm2Home(env), 'rpc.sock');
}

/** Whether the daemon's getReport says it is PM2_HOME's: on Windows the pipe alone cannot tell. */
export function servesHome(report: unknown, home: string, platform: NodeJS.Platform = process.platform): boolean {
  const theirs = (report as { env?: { PM2_HOME?: unknown } } | null)?.env?.PM2_HOME;
  if (typeof theirs !== 'string' || theirs === '') return false;
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const normal = (p: string) => paths.resolve(p).replace(/[\\/]+$/, '');
  return platform === 'win32' ? normal(theirs).toLowerCase() === normal(home).toLowerCase() : normal(theirs) === normal(home);
}

/**
 * pm2's process list (what `pm2 jlist` prints), asked of the daemon over its RPC socket as pm2's own
 * client does, which saves starting a second node that loads pm2. `pm2 jlist` when the socket is
 * missing, refuses, stalls or (Windows) may belong to another PM2_HOME. The whole look has the jlist deadline.
 * The list holds every app's env: it is never logged.
 */
export function listPm2Processes(runner: Runner, env: Env, signal?: AbortSignal): Promise<Pm2Process[]> {
  return withDeadline(
    JLIST_TIMEOUT_MS,
    async (deadline) => {
      const within = signal ? AbortSignal.any([deadline, signal]) : deadline;
      const direct = await askDaemon(env, within);
      if (direct) return direct;
      const homeEnv: Record<string, string> = env.PM2_HOME ? { PM2_HOME: env.PM2_HOME } : {};
      return parseJlist((await runner.run({ ...pm2Commands.jlist(), env: homeEnv }, { signal: within })).stdout);
    },
    jlistTimeout,
  );
}

/** The list from the socket, or undefined when the CLI must be asked instead. */
async function askDaemon(env: Env, signal: AbortSignal): Promise<Pm2Process[] | undefined> {
  const windows = process.platform === 'win32';
  const calls: DaemonCall[] = [...(windows ? [{ method: 'getReport', args: [{}] }] : []), { method: 'getMonitorData', args: [{}] }];
  try {
    const answers = await withDeadline(SOCKET_TIMEOUT_MS, (own) => callDaemon(rpcSocketPath(env), calls, AbortSignal.any([own, signal])));
    if (windows && !servesHome(answers[0]![0], pm2Home(env))) return undefined;
    const list = answers.at(-1)![0];
    return Array.isArray(list) ? (list as Pm2Process[]) : undefined;
  } catch {
    // The caller's deadline or Ctrl-C ends the look; anything else of the socket's is the CLI's turn.
    if (signal.aborted) throw signal.reason;
    return undefined;
  }
}

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../../process/alive.js';

export function pm2Home(env: Readonly<Record<string, string | undefined>>): string {
  return env.PM2_HOME || path.join(os.homedir(), '.pm2');
}

/** Whether the pm2 daemon runs, read from its pid file: any pm2 CLI call would start one as a side effect. */
export function pm2DaemonPid(env: Readonly<Record<string, string | undefined>>): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(pm2Home(env), 'pm2.pid'), 'utf8').trim());
    return isProcessAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

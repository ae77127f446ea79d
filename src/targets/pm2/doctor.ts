import type { Check } from '../../doctor/checks.js';
import type { DaemonCheck } from '../types.js';
import { pm2DaemonPid, pm2Home } from './daemon.js';

type Env = Readonly<Record<string, string | undefined>>;

export function checkPm2Daemon(env: Env): Check {
  const pid = pm2DaemonPid(env);
  return {
    name: 'pm2 daemon',
    kind: 'daemon',
    required: false,
    // Not fatal: deploy starts it. Reported so "nothing runs" is not a surprise.
    status: pid ? 'ok' : 'warn',
    detail: pid ? `pid ${pid}, PM2_HOME ${pm2Home(env)}` : `not running (PM2_HOME ${pm2Home(env)}); deploy starts it`,
  };
}

export const pm2Daemon: DaemonCheck = { name: 'pm2 daemon', needsDocker: false, check: async (_runner, env) => checkPm2Daemon(env) };

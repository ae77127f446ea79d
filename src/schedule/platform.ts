import type { Runner } from '../process/runner.js';
import type { SchedulerBackend, SchedulePlatform } from './types.js';

/** The backend of a platform; each one is loaded only when it is the one asked for. */
export async function schedulerFor(platform: SchedulePlatform, runner: Runner): Promise<SchedulerBackend> {
  if (platform === 'windows') return (await import('./windows.js')).windowsScheduler(runner);
  return (await import('./linux.js')).cronScheduler(runner);
}

export function currentPlatform(): SchedulePlatform {
  return process.platform === 'win32' ? 'windows' : 'linux';
}

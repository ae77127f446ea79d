import type { Runner } from '../process/runner.js';
import type { ScheduledJob } from './job.js';
import type { Trigger } from './trigger.js';
import type { ListedSchedule, SchedulePlatform } from './types.js';

export interface InstallOutcome {
  /** The crontab line, or the schtasks command as a Windows command line. */
  entry: string;
  replaced: boolean;
  /** --dry-run on Linux: the whole crontab that would be written. */
  crontab?: string;
}

/** What schedule needs from cron or Task Scheduler. */
export interface SchedulerBackend {
  platform: SchedulePlatform;
  /** The entry for this job, built without touching anything. */
  describe(trigger: Trigger, job: ScheduledJob): string;
  install(trigger: Trigger, job: ScheduledJob): Promise<InstallOutcome>;
  list(): Promise<ListedSchedule[]>;
  /** Undefined when no schedule of opsctl has this name or id. */
  remove(key: string): Promise<ListedSchedule | undefined>;
}

export async function schedulerFor(platform: SchedulePlatform, runner: Runner): Promise<SchedulerBackend> {
  if (platform === 'windows') return (await import('./windows.js')).windowsScheduler(runner);
  return (await import('./linux.js')).cronScheduler(runner);
}

export function currentPlatform(): SchedulePlatform {
  return process.platform === 'win32' ? 'windows' : 'linux';
}

import type { ScheduledJob } from './job.js';
import type { Trigger } from './trigger.js';

/** One schedule opsctl installed, as list shows it. */
export interface ListedSchedule {
  id: string;
  name: string;
  /** The cron expression, or Task Scheduler's next run time. */
  schedule: string;
  /** The crontab command, or Task Scheduler's status. */
  command: string;
  /** A crontab marker whose entry line is gone (deleted or edited by hand): remove takes only the marker. */
  orphan?: boolean;
}

export type SchedulePlatform = 'linux' | 'windows';

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

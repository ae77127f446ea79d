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

import { command, type Command } from '../process/command.js';
import { UsageError } from '../errors.js';
import type { ScheduledJob } from './job.js';
import { scheduleId } from './job.js';
import { simplifyCron, type Trigger } from './trigger.js';
import type { ListedSchedule } from './types.js';

/** Task Scheduler folder of opsctl's tasks: list and remove look only there. */
export const TASK_FOLDER = 'opsctl';

/** schtasks refuses a /TR longer than this. */
const MAX_TASK_RUN = 261;

const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const hhmm = (hour: number, minute: number) => `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

/** /SC and friends; MINUTE and HOURLY start at 00:00 so the runs land on the same marks cron's would. */
export function triggerArgs(trigger: Trigger): string[] {
  switch (trigger.kind) {
    case 'daily':
      return ['/SC', 'DAILY', '/ST', hhmm(trigger.hour, trigger.minute)];
    case 'minutes':
      return ['/SC', 'MINUTE', '/MO', String(trigger.every), '/ST', '00:00'];
    case 'hours':
      return ['/SC', 'HOURLY', '/MO', String(trigger.every), '/ST', '00:00'];
    case 'weekly':
      return ['/SC', 'WEEKLY', '/D', DAYS[trigger.day % 7]!, '/ST', hhmm(trigger.hour, trigger.minute)];
    case 'cron': {
      const simple = simplifyCron(trigger.expression);
      if (simple) return triggerArgs(simple);
      throw new UsageError(`--cron "${trigger.expression}" has no Task Scheduler equivalent.`, 'On Windows use --daily HH:MM or --every <duration>, or a cron expression of the shape "M H * * *", "*/N * * * *", "0 */N * * *" or "M H * * D".');
    }
  }
}

/** One argument for a Windows command line (CommandLineToArgvW rules: what the program's argv will be). */
export function windowsQuote(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

export function windowsCommandLine(argv: readonly string[]): string {
  return argv.map(windowsQuote).join(' ');
}

/**
 * One argument as cmd /c must see it: quoted for the program, then every character cmd.exe treats
 * specially escaped with ^, the quotes too, so cmd never enters its quoted mode and `&|<>()^!` (R&D,
 * --grep 'a|b') stay inside the argument. `%` is escaped and the character after it as well: cmd expands
 * %NAME% before it removes carets, so the name it would look up then starts with ^, and no variable does.
 */
export function cmdArg(arg: string): string {
  return windowsQuote(arg)
    .replace(/[\s"&|<>()^!%]/g, '^$&')
    .replace(/\^%(?!\^)([^])/g, '^%^$1');
}

/** What the task runs: cmd.exe so the working folder and the log redirection work as in the crontab line. */
export function taskRun(job: ScheduledJob): string {
  const run = `cmd /c cd /d ${cmdArg(job.cwd)} && ${job.argv.map(cmdArg).join(' ')} >> ${cmdArg(job.logFile)} 2>&1`;
  if (run.length > MAX_TASK_RUN) {
    throw new UsageError(`The task's command line is ${run.length} characters; schtasks accepts at most ${MAX_TASK_RUN}.`, 'Use a shorter --name, or keep the project and opsctl in shorter paths.');
  }
  return run;
}

export function createTaskCommand(trigger: Trigger, job: ScheduledJob): Command {
  return command('schtasks', ['/Create', '/TN', `${TASK_FOLDER}\\${job.name}`, ...triggerArgs(trigger), '/TR', taskRun(job), '/F'], { readOnly: false });
}

export function queryTasksCommand(): Command {
  return command('schtasks', ['/Query', '/FO', 'CSV', '/NH'], { readOnly: true });
}

export function deleteTaskCommand(name: string): Command {
  return command('schtasks', ['/Delete', '/TN', `${TASK_FOLDER}\\${name}`, '/F'], { readOnly: false });
}

/** Rows of `schtasks /Query /FO CSV /NH` in opsctl's folder: "\opsctl\name","next run","status". */
export function parseTaskList(csv: string): ListedSchedule[] {
  const prefix = `\\${TASK_FOLDER}\\`;
  return csv
    .split(/\r?\n/)
    .map(parseCsvLine)
    .filter((fields) => fields[0]?.toLowerCase().startsWith(prefix))
    .map((fields) => {
      const name = fields[0]!.slice(prefix.length);
      return { id: scheduleId(name), name, schedule: fields[1] ?? '', command: fields[2] ?? '' };
    });
}

function parseCsvLine(line: string): string[] {
  return [...line.matchAll(/"((?:[^"]|"")*)"|([^,]+)/g)].map((m) => (m[1] ?? m[2] ?? '').replace(/""/g, '"'));
}

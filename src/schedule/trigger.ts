import { parseDuration } from '../config/duration.js';
import { UsageError } from '../errors.js';
import { validateCronExpression } from './cron-expression.js';

/** When a schedule runs: the shapes both cron and Windows' schtasks can express, or a raw cron expression. */
export type Trigger =
  | { kind: 'daily'; hour: number; minute: number }
  | { kind: 'minutes'; every: number }
  | { kind: 'hours'; every: number }
  | { kind: 'weekly'; day: number; hour: number; minute: number }
  | { kind: 'cron'; expression: string };

export interface TriggerOptions {
  daily?: string;
  every?: string;
  cron?: string;
}

const WHEN_HINT = 'Give exactly one of --daily HH:MM, --every <duration> (15m, 6h) or --cron "<expression>".';

export function parseTrigger(options: TriggerOptions): Trigger {
  const given = (['daily', 'every', 'cron'] as const).filter((key) => options[key] !== undefined);
  if (given.length !== 1) {
    throw new UsageError(given.length === 0 ? 'No schedule given.' : `--${given.join(' and --')} cannot be used together.`, WHEN_HINT);
  }
  if (options.daily !== undefined) return { kind: 'daily', ...parseTimeOfDay(options.daily) };
  if (options.every !== undefined) return parseEvery(options.every);
  return { kind: 'cron', expression: validateCronExpression(options.cron!) };
}

/** "2:00", "02:00", "23:59": 24-hour clock, local time of the machine that runs the schedule. */
export function parseTimeOfDay(text: string): { hour: number; minute: number } {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 23 || minute > 59) {
    throw new UsageError(`--daily ${text} is not a time of day.`, 'Use HH:MM on the 24-hour clock, e.g. --daily 02:00 or --daily 23:30.');
  }
  return { hour, minute };
}

const EVERY_HINT = 'cron repeats evenly only within an hour or a day: use minutes that divide 60 (5m, 15m, 30m), hours that divide 24 (2h, 6h, 12h), 1d or 1w; anything else with --cron.';

/** An interval cron can repeat exactly; anything else is refused with the reason, not rounded. */
export function parseEvery(text: string): Trigger {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new UsageError(`--every ${text} is not a duration.`, 'Use a number with a unit, such as 15m, 6h or 1d.');
  const minutes = ms / 60_000;
  if (!Number.isInteger(minutes)) throw new UsageError(`--every ${text} is not a whole number of minutes: cron runs at most once a minute.`, EVERY_HINT);
  if (minutes === 7 * 24 * 60) return { kind: 'weekly', day: 0, hour: 0, minute: 0 };
  if (minutes === 24 * 60) return { kind: 'daily', hour: 0, minute: 0 };
  if (minutes < 60 && 60 % minutes === 0) return { kind: 'minutes', every: minutes };
  const hours = minutes / 60;
  if (Number.isInteger(hours) && hours < 24 && 24 % hours === 0) return { kind: 'hours', every: hours };
  throw new UsageError(`--every ${text} cannot be written for cron: ${whyNot(minutes)}.`, EVERY_HINT);
}

function whyNot(minutes: number): string {
  if (minutes < 60) return `${minutes} does not divide 60, so the runs would not be evenly spaced across the hour`;
  if (minutes % 60 !== 0) return `${minutes} minutes is not a whole number of hours`;
  if (minutes < 24 * 60) return `${minutes / 60} hours does not divide 24, so the runs would not be evenly spaced across the day`;
  return 'cron cannot repeat every few days evenly across months and years';
}

/** The five cron fields (or a macro) for this trigger. */
export function cronExpression(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'daily':
      return `${trigger.minute} ${trigger.hour} * * *`;
    case 'minutes':
      return trigger.every === 1 ? '* * * * *' : `*/${trigger.every} * * * *`;
    case 'hours':
      return trigger.every === 1 ? '0 * * * *' : `0 */${trigger.every} * * *`;
    case 'weekly':
      return `${trigger.minute} ${trigger.hour} * * ${trigger.day}`;
    case 'cron':
      return trigger.expression;
  }
}

/** A cron expression as daily / every N minutes / every N hours / weekly, when it is one of those shapes. */
export function simplifyCron(expression: string): Trigger | undefined {
  const macro: Record<string, Trigger> = {
    '@daily': { kind: 'daily', hour: 0, minute: 0 },
    '@midnight': { kind: 'daily', hour: 0, minute: 0 },
    '@hourly': { kind: 'hours', every: 1 },
    '@weekly': { kind: 'weekly', day: 0, hour: 0, minute: 0 },
  };
  if (expression in macro) return macro[expression];
  const [minute, hour, dom, month, dow] = expression.split(' ');
  if (dom !== '*' || month !== '*') return undefined;
  const num = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined);
  const step = (text: string | undefined) => (text === '*' ? 1 : num(/^\*\/(\d+)$/.exec(text ?? '')?.[1]));
  if (dow === '*' && num(minute) !== undefined && num(hour) !== undefined) return { kind: 'daily', hour: num(hour)!, minute: num(minute)! };
  if (dow === '*' && hour === '*' && divides(step(minute), 60)) return { kind: 'minutes', every: step(minute)! };
  if (dow === '*' && num(minute) === 0 && divides(step(hour), 24)) return { kind: 'hours', every: step(hour)! };
  const day = dowNumber(dow);
  if (day !== undefined && num(minute) !== undefined && num(hour) !== undefined) return { kind: 'weekly', day, hour: num(hour)!, minute: num(minute)! };
  return undefined;
}

/** Task Scheduler repeats from the start time on; cron restarts each hour (day): the same only for divisors. */
const divides = (step: number | undefined, whole: number) => step !== undefined && step > 0 && whole % step === 0;

function dowNumber(text: string | undefined): number | undefined {
  const names = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const named = names.indexOf(text?.toLowerCase() ?? '');
  if (named >= 0) return named;
  return text !== undefined && /^[0-7]$/.test(text) ? Number(text) % 7 : undefined;
}

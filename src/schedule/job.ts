import { createHash } from 'node:crypto';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** One scheduled opsctl run, with everything absolute: cron and Task Scheduler start it from nowhere. */
export interface ScheduledJob {
  name: string;
  /** Short and stable: derived from the name, so installing the same name again finds the old entry. */
  id: string;
  /** The full argv: opsctl itself (selfArgv), the command, then -e and -c pinned. */
  argv: string[];
  /** The folder of opsctl.yaml: relative paths in the config and the command resolve from it. */
  cwd: string;
  logFile: string;
  /** Set before the argv (PATH, PM2_HOME): cron's own PATH lacks pm2, docker and pg_dump's usual folders. */
  envVars?: Readonly<Record<string, string>>;
}

export interface JobInput {
  self: readonly string[];
  command: readonly string[];
  app: string;
  environment: string;
  configFile: string;
  stateDir: string;
  name?: string;
  /** --yes given to schedule: the scheduled run answers yes too (cron has no TTY to ask on). */
  yes: boolean;
  envVars?: Readonly<Record<string, string>>;
}

const NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

// Given to schedule itself, these are pinned into the entry; a second copy after `--` would be ambiguous.
const PINNED_FLAGS = ['-e', '--env', '--environment', '-c', '--config'];

export function buildJob(input: JobInput): ScheduledJob {
  const pinned = input.command.find((arg) => PINNED_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));
  if (pinned) {
    throw new UsageError(`${pinned} belongs to schedule itself, not to the scheduled command.`, 'Give -e and -c before "--" (opsctl schedule -e production --daily 02:00 -- backup); they are written into the entry.');
  }
  assertNoPassword(input.command);
  const name = input.name ?? defaultName(input.app, input.environment, input.command);
  if (!NAME.test(name)) {
    throw new UsageError(`"${name}" is not a usable schedule name.`, 'Use up to 64 letters, digits, ".", "_" and "-", starting with a letter or digit (--name).');
  }
  const argv = [...input.self, ...input.command, '-e', input.environment, '-c', path.resolve(input.configFile)];
  if (input.yes && !input.command.includes('--yes') && !input.command.includes('-y')) argv.push('--yes');
  return {
    name,
    id: scheduleId(name),
    argv,
    cwd: path.dirname(path.resolve(input.configFile)),
    logFile: path.join(input.stateDir, 'logs', `${name}.log`),
    ...(input.envVars ? { envVars: input.envVars } : {}),
  };
}

/**
 * app-environment-command words, e.g. shop-production-backup-prune: the words before the first option only,
 * so no option value (a URL, a pattern) ends up in the name, the marker or the log file's name.
 */
export function defaultName(app: string, environment: string, command: readonly string[]): string {
  const firstOption = command.findIndex((arg) => arg.startsWith('-'));
  const words = (firstOption < 0 ? command : command.slice(0, firstOption)).slice(0, 3);
  return [app, environment, ...words]
    .join('-')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64)
    .replace(/-$/, '');
}

/** scheme://user:password@ : the entry is a plain line in the crontab or the task, readable and logged. */
const URL_WITH_PASSWORD = /[a-z][\w+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

export function assertNoPassword(command: readonly string[]): void {
  const index = command.findIndex((arg) => URL_WITH_PASSWORD.test(arg));
  if (index < 0) return;
  throw new UsageError(
    `Argument ${index + 1} of the scheduled command is a URL with a password: it would be written into the crontab or task in plain text.`,
    'Name a database of opsctl.yaml instead (--to staging_main), or put the URL there with ${VAR} from the environment or .env.',
  );
}

export function scheduleId(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 8);
}

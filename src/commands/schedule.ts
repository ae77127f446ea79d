import path from 'node:path';
import type { CommandResult, Context } from '../context.js';
import { OpsError, UsageError } from '../errors.js';
import type { Style } from '../output/style.js';
import { renderPairs, renderTable } from '../output/table.js';
import { selfArgv } from '../process/self.js';
import { COMMANDS } from '../registry/commands.js';
import { needsOf } from '../doctor/needs.js';
import { cronEnvironment } from '../schedule/cron-environment.js';
import { entryCommand } from '../schedule/crontab.js';
import { buildJob } from '../schedule/job.js';
import { currentPlatform, schedulerFor } from '../schedule/platform.js';
import { prepareCommand, runbookLookup } from '../schedule/scheduled-command.js';
import { cronExpression, parseTrigger, type TriggerOptions } from '../schedule/trigger.js';
import type { ListedSchedule, SchedulePlatform, SchedulerBackend } from '../schedule/types.js';
import { runCells, runHeads, runsOf, type ScheduleRuns } from '../schedule/list-runs.js';

export interface ScheduleOptions extends TriggerOptions {
  name?: string;
  print?: boolean;
  platform?: string;
}

export interface InstalledData {
  action: 'install' | 'print';
  platform: SchedulePlatform;
  id: string;
  name: string;
  schedule: string;
  argv: string[];
  logFile: string;
  entry: string;
  installed: boolean;
  replaced: boolean;
  crontab?: string;
  /** What schedule changed in the command (monitor --once) or could not check. */
  notes: string[];
}

export type ScheduleData =
  | InstalledData
  | { action: 'list'; platform: SchedulePlatform; schedules: ListedSchedule[]; runs?: Record<string, ScheduleRuns> }
  | { action: 'remove'; platform: SchedulePlatform; removed: ListedSchedule; applied: boolean };

export async function run(ctx: Context, options: ScheduleOptions, args: string[]): Promise<CommandResult<ScheduleData>> {
  const platform = parsePlatform(options.platform);
  const backend = await schedulerFor(platform, ctx.runner);
  const [first, ...rest] = args;
  if (first === 'list' && rest.length === 0) {
    assertHere(platform, 'listed');
    const schedules = await backend.list();
    const runs = await runsOf(schedules, ctx.now());
    return { data: { action: 'list', platform, schedules, ...(Object.keys(runs).length > 0 ? { runs } : {}) } };
  }
  if (first === 'remove') return { data: await remove(ctx, backend, rest) };
  return { data: await install(ctx, backend, options, args) };
}

async function install(ctx: Context, backend: SchedulerBackend, options: ScheduleOptions, command: string[]): Promise<InstalledData> {
  const trigger = parseTrigger(options);
  assertKnownCommand(command);
  const env = ctx.environment();
  const prepared = prepareCommand(command, ctx.assumeYes, runbookLookup(ctx.config()));
  for (const note of prepared.notes) ctx.log.warn(note);
  const job = buildJob({
    self: selfArgv(),
    command: prepared.command,
    app: env.app,
    environment: env.name,
    configFile: ctx.config().file,
    stateDir: env.stateDir,
    name: options.name,
    yes: ctx.assumeYes,
    envVars: backend.platform === 'linux' ? cronEnvironment(selfArgv(), needsOf(env.config), ctx.env) : undefined,
  });
  const base = { platform: backend.platform, id: job.id, name: job.name, schedule: cronExpression(trigger), argv: job.argv, logFile: job.logFile, notes: prepared.notes };
  if (options.print) return { action: 'print', ...base, entry: backend.describe(trigger, job), installed: false, replaced: false };
  assertHere(backend.platform, 'installed');
  // The log's folder must exist before the first run: the shell's >> does not create it.
  await ctx.effects.apply({ kind: 'mkdir', dir: path.dirname(job.logFile) });
  const outcome = await backend.install(trigger, job);
  return { action: 'install', ...base, ...outcome, installed: !ctx.dryRun };
}

async function remove(ctx: Context, backend: SchedulerBackend, keys: string[]): Promise<ScheduleData> {
  if (keys.length !== 1) throw new UsageError('schedule remove takes one id or name.', 'Run opsctl schedule list to see them.');
  assertHere(backend.platform, 'removed');
  const removed = await backend.remove(keys[0]!);
  if (!removed) throw new OpsError(`No opsctl schedule has the name or id "${keys[0]}".`, 'Run opsctl schedule list to see the names and ids.');
  return { action: 'remove', platform: backend.platform, removed, applied: !ctx.dryRun };
}

function parsePlatform(value: string | undefined): SchedulePlatform {
  if (value === undefined) return currentPlatform();
  if (value === 'linux' || value === 'windows') return value;
  throw new UsageError(`--platform ${value} is not linux or windows.`, 'Use --platform linux (crontab) or --platform windows (Task Scheduler).');
}

function assertHere(platform: SchedulePlatform, what: string): void {
  if (platform === currentPlatform()) return;
  throw new UsageError(`${platform} schedules cannot be ${what} on ${currentPlatform()}.`, `Use --print to show the ${platform} entry, and install it on a ${platform} machine.`);
}

function assertKnownCommand(command: string[]): void {
  const names: string[] = COMMANDS.map((spec) => spec.name).filter((name) => name !== 'schedule');
  if (command.length === 0) throw new UsageError('No command to schedule.', 'Example: opsctl schedule backup --daily 02:00 -e production');
  if (!names.includes(command[0]!)) {
    throw new UsageError(`"${command[0]}" is not an opsctl command that can be scheduled.`, `Use one of: ${names.join(', ')}.`);
  }
}

const ORPHAN = '(orphaned marker: no opsctl entry under it; schedule remove drops the marker only)';

export function render(data: ScheduleData, style: Style): string {
  if (data.action === 'print') return data.entry;
  if (data.action === 'list') {
    if (data.schedules.length === 0) return style.dim('No opsctl schedules.');
    const head = data.platform === 'windows' ? ['id', 'name', 'next run', 'status'] : ['id', 'name', 'schedule', 'command'];
    if (data.runs) head.push(...runHeads);
    return renderTable(style, head, data.schedules.map((s) => [s.id, s.name, s.schedule, s.orphan ? ORPHAN : entryCommand(s.command), ...(data.runs ? runCells(data.runs[s.name]) : [])]));
  }
  if (data.action === 'remove') {
    const what = data.removed.orphan ? `the orphaned marker of ${data.removed.name}` : data.removed.name;
    return `${data.applied ? 'Removed' : 'Would remove'} ${what} (${data.removed.id}).`;
  }
  const verb = !data.installed ? 'Would install' : data.replaced ? 'Replaced' : 'Installed';
  const pairs = renderPairs(style, [
    ['schedule', `${data.name} (${data.id})`],
    ['when', data.schedule],
    ['entry', data.entry],
    ['log', data.logFile],
  ]);
  const crontab = data.crontab === undefined ? '' : `\n\nThe crontab would be:\n${data.crontab.trimEnd()}`;
  return `${verb} ${data.name}.\n${pairs}${crontab}`;
}

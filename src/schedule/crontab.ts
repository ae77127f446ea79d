import path from 'node:path';
import { cronExpression, type Trigger } from './trigger.js';
import type { ScheduledJob } from './job.js';
import type { ListedSchedule } from './types.js';

/** The comment line above each entry opsctl writes: list and remove touch only lines it marks. */
export const MARKER = '# opsctl-schedule';

export function markerLine(job: Pick<ScheduledJob, 'id' | 'name'>): string {
  return `${MARKER} id=${job.id} name=${job.name}`;
}

/**
 * The crontab line: cd to the config's folder, create the log's folder (the shell opens the log before
 * opsctl starts, and cron drops the error of a failed redirect), set PATH and PM2_HOME, then opsctl's
 * absolute argv, output appended to the log. Every path is quoted: the line runs as pasted.
 */
export function cronLine(trigger: Trigger, job: ScheduledJob): string {
  const env = Object.entries(job.envVars ?? {}).map(([name, value]) => `${name}=${shellQuote(value)} `).join('');
  const mkdir = `mkdir -p -- ${shellQuote(path.dirname(job.logFile))}`;
  const command = `cd ${shellQuote(job.cwd)} && ${mkdir} && ${env}${job.argv.map(shellQuote).join(' ')} >> ${shellQuote(job.logFile)} 2>&1`;
  // cron turns an unescaped % into a newline, even inside the shell's quotes.
  return `${cronExpression(trigger)} ${command.replace(/%/g, '\\%')}`;
}

/** What an entry runs, without the folder, the mkdir, the variables and the log (for list's table). */
export function entryCommand(command: string): string {
  return command.replace(/^cd \S+ && (mkdir -p -- \S+ && )?([A-Z][A-Z0-9_]*=\S+ )*/, '').replace(/ >> \S+ 2>&1$/, '');
}

/** POSIX sh quoting: plain words stay as they are, anything else in single quotes. */
export function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

interface Block {
  entry: ListedSchedule;
  /** Index of the marker line, and of opsctl's entry line when one was found. */
  marker: number;
  line?: number;
}

/** Lines of the crontab as read (a final newline or none; nothing else is touched). */
function toLines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

function fromLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

const MARKER_LINE = new RegExp(`^${MARKER} id=(\\S+) name=(\\S+)\\s*$`);

/**
 * A line opsctl wrote for this name: a schedule, `cd <folder> && ...`, ending in `>> .../<name>.log 2>&1`.
 * Anything else under a marker (a MAILTO=, the user's own job) is the user's and is never taken.
 */
export function isOwnLine(line: string, name: string): boolean {
  if (line.trimStart().startsWith('#')) return false;
  const { schedule, command } = splitEntry(line);
  if (schedule === '' || !command.startsWith('cd ')) return false;
  const log = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(` >> (?:'[^\\n]*|\\S*)/${log}\\.log'? 2>&1\\s*$`).test(command);
}

function findBlocks(lines: readonly string[]): Block[] {
  const markers = lines.flatMap((line, index) => {
    const match = MARKER_LINE.exec(line);
    return match ? [{ index, id: match[1]!, name: match[2]! }] : [];
  });
  return markers.map((m, n) => {
    // The entry is the marker's own line, looked for up to the next marker: a line the user put in
    // between (MAILTO=) stays theirs. A marker without one is an orphan and goes on its own.
    const end = markers[n + 1]?.index ?? lines.length;
    const found = lines.slice(m.index + 1, end).findIndex((line) => isOwnLine(line, m.name));
    if (found < 0) return { entry: { id: m.id, name: m.name, schedule: '', command: '', orphan: true }, marker: m.index };
    const line = m.index + 1 + found;
    return { entry: { id: m.id, name: m.name, ...splitEntry(lines[line]!) }, marker: m.index, line };
  });
}

function splitEntry(line: string): { schedule: string; command: string } {
  const words = line.trim().split(/\s+/);
  const count = words[0]!.startsWith('@') ? 1 : 5;
  if (words.length <= count) return { schedule: '', command: '' };
  return { schedule: words.slice(0, count).join(' '), command: words.slice(count).join(' ') };
}

export function listCrontab(text: string): ListedSchedule[] {
  return findBlocks(toLines(text)).map((block) => block.entry);
}

/** The crontab with this job's entry: in place of an entry of the same name, else appended. */
export function withEntry(text: string, trigger: Trigger, job: ScheduledJob): { text: string; replaced: boolean } {
  const lines = toLines(text);
  const old = findBlocks(lines).find((b) => b.entry.name === job.name);
  if (!old) lines.push(markerLine(job), cronLine(trigger, job));
  else if (old.line === undefined) lines.splice(old.marker, 1, markerLine(job), cronLine(trigger, job));
  else {
    lines[old.marker] = markerLine(job);
    lines[old.line] = cronLine(trigger, job);
  }
  return { text: fromLines(lines), replaced: old?.line !== undefined };
}

/**
 * The crontab without the entry named (or with the id) `key`: its marker and its own line, nothing the user
 * wrote (an orphaned marker goes alone); removed is undefined when there is none.
 */
export function withoutEntry(text: string, key: string): { text: string; removed?: ListedSchedule } {
  const lines = toLines(text);
  const old = findBlocks(lines).find((b) => b.entry.name === key || b.entry.id === key);
  if (!old) return { text };
  if (old.line !== undefined) lines.splice(old.line, 1);
  lines.splice(old.marker, 1);
  return { text: fromLines(lines), removed: old.entry };
}

import { cronExpression, type Trigger } from './trigger.js';
import type { ScheduledJob } from './job.js';
import type { ListedSchedule } from './types.js';

/** The comment line above each entry opsctl writes: list and remove touch only lines it marks. */
export const MARKER = '# opsctl-schedule';

export function markerLine(job: Pick<ScheduledJob, 'id' | 'name'>): string {
  return `${MARKER} id=${job.id} name=${job.name}`;
}

/** The crontab line: cd to the config's folder, the install-time PATH, opsctl's absolute argv, output appended to the log. */
export function cronLine(trigger: Trigger, job: ScheduledJob): string {
  const env = job.pathValue ? `PATH=${shellQuote(job.pathValue)} ` : '';
  const command = `cd ${shellQuote(job.cwd)} && ${env}${job.argv.map(shellQuote).join(' ')} >> ${shellQuote(job.logFile)} 2>&1`;
  // cron turns an unescaped % into a newline, even inside the shell's quotes.
  return `${cronExpression(trigger)} ${command.replace(/%/g, '\\%')}`;
}

/** POSIX sh quoting: plain words stay as they are, anything else in single quotes. */
export function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

interface Block {
  entry: ListedSchedule;
  /** Index of the marker line, and how many lines (1 or 2) the block spans. */
  start: number;
  length: number;
}

/** Lines of the crontab as read (a final newline or none; nothing else is touched). */
function toLines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

function fromLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function findBlocks(lines: readonly string[]): Block[] {
  const blocks: Block[] = [];
  lines.forEach((line, index) => {
    const marker = new RegExp(`^${MARKER} id=(\\S+) name=(\\S+)\\s*$`).exec(line);
    if (!marker) return;
    const next = lines[index + 1];
    // A marker whose entry the user deleted by hand is an orphan: it goes on its own.
    const hasEntry = next !== undefined && next.trim() !== '' && !next.trimStart().startsWith('#');
    const fields = hasEntry ? splitEntry(next) : { schedule: '', command: '' };
    blocks.push({ entry: { id: marker[1]!, name: marker[2]!, ...fields }, start: index, length: hasEntry ? 2 : 1 });
  });
  return blocks;
}

function splitEntry(line: string): { schedule: string; command: string } {
  const words = line.trim().split(/\s+/);
  const count = words[0]!.startsWith('@') ? 1 : 5;
  return { schedule: words.slice(0, count).join(' '), command: words.slice(count).join(' ') };
}

export function listCrontab(text: string): ListedSchedule[] {
  return findBlocks(toLines(text)).map((block) => block.entry);
}

/** The crontab with this job's entry: in place of an entry of the same name, else appended. */
export function withEntry(text: string, trigger: Trigger, job: ScheduledJob): { text: string; replaced: boolean } {
  const lines = toLines(text);
  const block = [markerLine(job), cronLine(trigger, job)];
  const old = findBlocks(lines).find((b) => b.entry.name === job.name);
  if (old) lines.splice(old.start, old.length, ...block);
  else lines.push(...block);
  return { text: fromLines(lines), replaced: Boolean(old) };
}

/** The crontab without the entry named (or with the id) `key`; removed is undefined when there is none. */
export function withoutEntry(text: string, key: string): { text: string; removed?: ListedSchedule } {
  const lines = toLines(text);
  const old = findBlocks(lines).find((b) => b.entry.name === key || b.entry.id === key);
  if (!old) return { text };
  lines.splice(old.start, old.length);
  return { text: fromLines(lines), removed: old.entry };
}

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { compileDateFormat, unreadableFormatNote } from '../../logs/date-format.js';
import type { Runner } from '../../process/runner.js';
import { listPm2Processes } from './daemon-list.js';
import { pm2DaemonPid, pm2Home } from './daemon.js';
import type { Pm2Process } from './parse.js';

export interface Pm2LogFile {
  file: string;
  /** "api#0/out", "api#1/err"; "api/out" when pm2 merges the instances' logs into one file. */
  label: string;
  /** The app's log_date_format: pm2 writes "<formatted date>: " before each line. */
  dateFormat?: string;
}

interface Pm2LogPaths {
  name?: string;
  pm_id?: number;
  pm2_env?: { pm_out_log_path?: string; pm_err_log_path?: string; log_date_format?: string; log_type?: string };
}

/** Files pm2 sends nothing to. */
const DISCARDED = new Set(['/dev/null', 'NULL', 'nul', '\\\\.\\NUL']);

/**
 * The out and err log files of the pm2 app `name`: where the running daemon says (an ecosystem file
 * may have moved them), else pm2's own naming in PM2_HOME/logs. Never starts a daemon.
 */
export async function pm2LogFiles(runner: Runner, env: Readonly<Record<string, string | undefined>>, name: string): Promise<Pm2LogFile[]> {
  if (pm2DaemonPid(env) !== undefined) {
    const processes = (await listPm2Processes(runner, env)) as Pm2LogPaths[];
    const files = fromJlist(processes, name);
    if (files.length > 0) return files;
  }
  return fromLogsFolder(path.join(pm2Home(env), 'logs'), name);
}

export function fromJlist(processes: readonly Pm2LogPaths[], name: string): Pm2LogFile[] {
  const mine = processes.filter((p) => p.name === name);
  const files: Pm2LogFile[] = [];
  for (const stream of ['out', 'err'] as const) {
    const paths = mine.map((p) => (stream === 'out' ? p.pm2_env?.pm_out_log_path : p.pm2_env?.pm_err_log_path));
    mine.forEach((p, i) => {
      const file = paths[i];
      if (!file || DISCARDED.has(file) || files.some((f) => f.file === file)) return;
      // Instances that share one file (merge_logs) are one source.
      const shared = paths.filter((other) => other === file).length > 1;
      const label = `${shared ? name : `${name}#${p.pm_id ?? '?'}`}/${stream}`;
      // With log_type json pm2 writes the stamp into each object's timestamp instead: not a line prefix.
      const dateFormat = p.pm2_env?.log_type === 'json' ? undefined : p.pm2_env?.log_date_format || undefined;
      files.push({ file, label, ...(dateFormat ? { dateFormat } : {}) });
    });
  }
  return files;
}

/** pm2 names them <name>-out.log and <name>-error.log, with -<id> per instance unless logs are merged. */
export async function fromLogsFolder(folder: string, name: string): Promise<Pm2LogFile[]> {
  const entries = await readdir(folder).catch(() => [] as string[]);
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(out|error)(?:-(\\d+))?\\.log$`);
  return entries
    .map((entry) => ({ entry, match: pattern.exec(entry) }))
    .filter((e) => e.match)
    .map(({ entry, match }) => ({
      file: path.join(folder, entry),
      label: `${name}${match![2] === undefined ? '' : `#${match![2]}`}/${match![1] === 'out' ? 'out' : 'err'}`,
      order: [match![1] === 'out' ? 0 : 1, Number(match![2] ?? -1)] as const,
    }))
    .sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1])
    .map(({ file, label }) => ({ file, label }));
}

/**
 * For status: pm2 writes the app's lines without a time unless told to, or with a log_date_format
 * opsctl cannot read back; either way `opsctl logs` cannot window or order them.
 */
export function untimedLogsNote(processes: readonly Pm2Process[], name: string): string | undefined {
  const mine = processes.filter((p) => p.name === name && p.pm2_env?.log_type !== 'json');
  for (const format of new Set(mine.map((p) => p.pm2_env?.log_date_format).filter(Boolean))) {
    const compiled = compileDateFormat(format!);
    if ('unreadable' in compiled) return unreadableFormatNote(name, format!, compiled.unreadable);
  }
  const untimed = mine.some((p) => !p.pm2_env?.log_date_format);
  return untimed ? `pm2 writes ${name}'s logs without timestamps: opsctl logs cannot apply --since to them or merge them in time order. Start it with --time, or set log_date_format: "YYYY-MM-DDTHH:mm:ss" in the ecosystem file.` : undefined;
}

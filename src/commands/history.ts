import type { CommandResult, Context } from '../context.js';
import { UsageError } from '../errors.js';
import { readEntries, type HistoryEntry } from '../history/journal.js';
import { reportBadLines } from '../history/bad-lines.js';
import type { Style } from '../output/style.js';
import { bindEnvironment } from '../config/select.js';
import { renderHistory } from '../output/history-table.js';

export interface HistoryOptions {
  limit?: string;
  type?: string;
  allEnvironments?: boolean;
}

export interface HistoryData {
  environment: string | null;
  entries: HistoryEntry[];
}

export async function run(ctx: Context, options: HistoryOptions): Promise<CommandResult<HistoryData>> {
  const limit = Number(options.limit ?? 20);
  if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit ${options.limit} is not a positive count.`, 'Give a whole number, e.g. -n 10.');
  const types = options.type?.split(',').map((t) => t.trim()).filter(Boolean);
  if (!options.allEnvironments) {
    const env = ctx.environment();
    const entries = await readEntries(env.stateDir, { environment: env.name, types, limit });
    reportBadLines(ctx.log.warn);
    return { data: { environment: env.name, entries } };
  }
  const loaded = ctx.config();
  // Environments may share a state dir: read each journal once.
  const dirs = new Set([...loaded.environments].map(([name, config]) => bindEnvironment(loaded, name, config).stateDir));
  const all = (await Promise.all([...dirs].map((dir) => readEntries(dir, { types, limit })))).flat();
  reportBadLines(ctx.log.warn);
  all.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return { data: { environment: null, entries: all.slice(0, limit) } };
}

export function render(data: HistoryData, style: Style): string {
  if (data.entries.length === 0) return style.dim('No operations recorded yet.');
  return renderHistory(data.entries, style);
}

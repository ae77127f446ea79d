import Table from 'cli-table3';
import { fitColumns } from './fit.js';
import type { Style } from './style.js';

/**
 * A bordered table; colour comes only from the Style so NO_COLOR output has no escape codes. It fits the
 * terminal: columns are ordered by priority, the widest give way and the last ones go first (fit.ts).
 */
export function renderTable(style: Style, head: readonly string[], rows: readonly (readonly string[])[]): string {
  const { keep, widths } = fitColumns(head, rows);
  const table = new Table({
    head: keep.map((i) => style.bold(head[i]!)),
    style: { head: [], border: [] },
    // One rule under the header only: rows stay one line each and easy to grep.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    ...(widths ? { colWidths: widths } : {}),
  });
  for (const row of rows) table.push(keep.map((i) => row[i] ?? ''));
  return table.toString();
}

/** "key  value" lines with keys padded to one column. */
export function renderPairs(style: Style, pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${style.dim(key.padEnd(width))}  ${value}`).join('\n');
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '-';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 || value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** "1 probe", "3 probes". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** One line of at most `max` characters: a commit subject in a table cell or a headline. */
export function clip(text: string, max: number): string {
  const line = text.split(/\r?\n/)[0]!;
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

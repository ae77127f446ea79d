import { levelName } from './levels.js';
import { valueAt } from './line.js';
import type { LogEntry } from './entry.js';

/** What a record counts under for --count-by: its source, its level's name, or a field of its JSON. */
function keyOf(entry: LogEntry, field: string): string {
  if (field === 'source') return entry.source;
  const value = entry.record ? valueAt(entry.record, field) : undefined;
  // A level as the logger names it ("http", "warning"); pino's numbers and plain lines by the name of their rank.
  if (field === 'level' && typeof value !== 'string') return entry.level === undefined ? '(none)' : levelName(entry.level);
  if (value === undefined || value === null) return '(none)';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** `uniq -c | sort -nr`, `Group-Object`: matches per value of a field, most frequent first. */
export function createTally(field: string) {
  const counts = new Map<string, number>();
  return {
    add(entries: readonly LogEntry[]) {
      for (const entry of entries) {
        const key = keyOf(entry, field);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    },
    /** The N most frequent (all without N); ties in the order of their value. */
    top(n?: number): [string, number][] {
      const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return n === undefined ? sorted : sorted.slice(0, n);
    },
  };
}

/** Lines "   123 value" as uniq -c prints them; with --json one {"value", "count"} per line. */
export function renderTally(rows: readonly [string, number][], json: boolean): string {
  if (rows.length === 0) return '';
  const width = String(rows[0]![1]).length;
  const lines = rows.map(([value, count]) => (json ? JSON.stringify({ value, count }) : `${String(count).padStart(width)} ${value}`));
  return `${lines.join('\n')}\n`;
}

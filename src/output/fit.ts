import { stripVTControlCharacters } from 'node:util';

/** Columns of output: set once by the CLI (COLUMNS, else the terminal's); undefined when piped, so nothing is cut. */
let outputColumns: number | undefined;

export function setOutputColumns(columns: number | undefined): void {
  outputColumns = columns !== undefined && Number.isInteger(columns) && columns >= 20 ? columns : undefined;
}

/** COLUMNS wins (a script or test sets it), then the terminal's width; a pipe has none. */
export function columnsOf(env: Readonly<Record<string, string | undefined>>, stream: { isTTY?: boolean; columns?: number }): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return stream.isTTY ? stream.columns : undefined;
}

export interface Fitted {
  /** Indexes of the columns kept, left to right. */
  keep: number[];
  /** cli-table3 colWidths of the kept columns (padding included), or undefined when everything fits. */
  widths?: number[];
}

// Each column costs its text, a space either side and a border; one more border closes the row.
const PAD = 2;
const MIN_WIDTH = 8;
const NAME_WIDTH = 32;

/**
 * Widths so the table fits the output's columns: the widest columns give way first (cli-table3 then
 * cuts their cells with "…"); when even narrow columns cannot fit, the rightmost ones are dropped.
 * The first column, which names the row, always stays and shrinks last. --json keeps all of it.
 */
export function fitColumns(head: readonly string[], rows: readonly (readonly string[])[], columns = outputColumns): Fitted {
  const all = head.map((_, i) => i);
  if (columns === undefined) return { keep: all };
  const natural = head.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ''))));
  const total = (keep: readonly number[]) => keep.reduce((sum, i) => sum + natural[i]! + PAD + 1, 1);
  if (total(all) <= columns) return { keep: all };
  const keep = [...all];
  // The first column names the row: it keeps up to NAME_WIDTH before the others give way.
  const floor = (i: number) => Math.min(natural[i]!, Math.max(i === 0 ? Math.min(NAME_WIDTH, columns - PAD - 2) : MIN_WIDTH, visible(head[i]!)));
  while (keep.length > 1 && keep.reduce((sum, i) => sum + floor(i) + PAD + 1, 1) > columns) keep.pop();
  const room = columns - 1 - keep.length * (PAD + 1);
  // The largest cap at which every kept column fits: columns under it keep their width.
  let cap = Math.max(...keep.map((i) => natural[i]!));
  const used = (c: number) => keep.reduce((sum, i) => sum + Math.min(natural[i]!, Math.max(floor(i), c)), 0);
  while (cap > 1 && used(cap) > room) cap -= 1;
  return { keep, widths: keep.map((i) => Math.min(natural[i]!, Math.max(floor(i), cap)) + PAD) };
}

/** The width of a cell's longest line, colour codes left out. */
function visible(text: string): number {
  return Math.max(...stripVTControlCharacters(text).split('\n').map((line) => line.length));
}

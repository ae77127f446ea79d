import { UsageError } from '../../errors.js';

/** One line of `pg_restore --list --verbose`: its id, the line as listed, and the ids it depends on. */
export interface TocEntry {
  id: number;
  line: string;
  deps: number[];
  /** Set for a TABLE entry (not its TABLE DATA). */
  table?: { schema: string; name: string };
}

// "216; 1259 16387 TABLE public users postgres": a table's catalog is pg_class (1259); its data's is 0.
const ENTRY = /^(\d+); \d+ \d+ /;
const TABLE = /^\d+; 1259 \d+ TABLE (\S+) (.+) (\S+)$/;
const DEPENDS = /^;\s*depends on:\s*([\d ]+)$/;

/** The listing's entries in archive order; comments other than "depends on" are skipped. */
export function parseToc(listing: string): TocEntry[] {
  const entries: TocEntry[] = [];
  for (const line of listing.split(/\r?\n/)) {
    const entry = ENTRY.exec(line);
    if (entry) {
      const table = TABLE.exec(line);
      entries.push({ id: Number(entry[1]), line, deps: [], ...(table ? { table: { schema: table[1]!, name: table[2]! } } : {}) });
      continue;
    }
    const depends = DEPENDS.exec(line);
    if (depends && entries.length > 0) entries[entries.length - 1]!.deps.push(...depends[1]!.trim().split(/\s+/).map(Number));
  }
  return entries;
}

const qualified = (e: TocEntry) => `${e.table!.schema}.${e.table!.name}`;

/** "users" (in whichever schema holds it, if only one does) or "audit.users": the TABLE entries, or a usage error naming what the dump holds. */
export function findTables(entries: readonly TocEntry[], requested: readonly string[], part: string): TocEntry[] {
  const tables = entries.filter((e) => e.table);
  const found: TocEntry[] = [];
  for (const name of requested) {
    const matches = tables.filter((e) => qualified(e) === name || e.table!.name === name);
    const exact = matches.filter((e) => qualified(e) === name);
    const chosen = exact.length === 1 ? exact : matches;
    if (chosen.length > 1) throw new UsageError(`--tables ${name}: part ${part} holds ${chosen.map(qualified).join(' and ')}.`, 'Name the table with its schema: schema.table.');
    if (chosen.length === 0) {
      const listed = tables.map(qualified);
      throw new UsageError(`--tables ${name}: part ${part} holds no such table, nothing was restored.`, `Its tables: ${listed.slice(0, 20).join(', ')}${listed.length > 20 ? `, ... (${listed.length} in all; pg_restore --list shows them)` : ''}.`);
    }
    if (!found.includes(chosen[0]!)) found.push(chosen[0]!);
  }
  return found;
}

/**
 * The `pg_restore -L` list for `tables`: each table with everything that depends on it, transitively (its
 * data, sequence, defaults, indexes, constraints, triggers, and the foreign keys of other tables that point
 * at it, which --clean drops and re-adds, checked against the restored rows). `pg_restore -t` alone would
 * recreate a bare table: no indexes, no primary key, no sequence.
 */
export function restoreList(entries: readonly TocEntry[], tables: readonly TocEntry[]): string {
  const chosen = new Set(tables.map((t) => t.id));
  // Bounded: each pass adds at least one entry, or stops.
  for (let grew = true; grew; ) {
    grew = false;
    for (const entry of entries) {
      if (!chosen.has(entry.id) && entry.deps.some((d) => chosen.has(d))) {
        chosen.add(entry.id);
        grew = true;
      }
    }
  }
  return entries.filter((e) => chosen.has(e.id)).map((e) => `${e.line}\n`).join('');
}

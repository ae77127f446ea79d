/**
 * Torn or corrupt journal lines met during this run. Several readers in one command (status reads the
 * journal twice, deploy reads it then appends) meet the same lines: each line is warned about once a
 * run, by whichever caller with a logger reports first.
 */
const pending = new Map<string, Set<number>>();
const told = new Map<string, Set<number>>();

const SHOWN = 10;

export function noteBadLines(file: string, lines: Iterable<number>): void {
  const said = told.get(file);
  for (const line of lines) {
    if (said?.has(line)) continue;
    const set = pending.get(file) ?? new Set<number>();
    set.add(line);
    pending.set(file, set);
  }
}

/** One warning per journal file for the lines not yet reported. */
export function reportBadLines(warn: (message: string) => void): void {
  for (const [file, lines] of [...pending]) {
    pending.delete(file);
    const said = told.get(file) ?? new Set<number>();
    told.set(file, said);
    const fresh = [...lines].filter((line) => !said.has(line)).sort((a, b) => a - b);
    for (const line of fresh) said.add(line);
    if (fresh.length > 0) warn(describeBadLines(file, fresh));
  }
}

export function describeBadLines(file: string, lines: readonly number[]): string {
  const one = lines.length === 1;
  const list = lines.slice(0, SHOWN).join(', ') + (lines.length > SHOWN ? ` and ${lines.length - SHOWN} more` : '');
  return (
    `${file}: ${one ? 'line' : 'lines'} ${list} ${one ? 'is not a complete history entry' : 'are not complete history entries'} ` +
    `(a write cut short, or an edit by hand) and ${one ? 'was' : 'were'} skipped; the entries around ${one ? 'it' : 'them'} are read as usual. ` +
    `Delete or repair ${one ? 'that line' : 'those lines'} to stop this warning.`
  );
}

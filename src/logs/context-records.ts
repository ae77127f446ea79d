import type { ContextSize, LogEntry } from './entry.js';
import { contextEntry, type RecordText } from './record-check.js';
import type { LineClock } from './when.js';

/**
 * grep's -B/-A over records: the ones before a match are held (at most -B), the ones after it counted
 * down. The last -B records before a match, held or shown after an earlier one, are marked as leading
 * it, so a tail (-n) that keeps the match keeps them.
 */
export function withContext(size: ContextSize) {
  let held: LogEntry[] = [];
  let recent: LogEntry[] = [];
  let afterLeft = 0;
  const remember = (shown: LogEntry) => {
    if (recent.push(shown) > size.before) recent.shift();
  };
  return {
    add(entry: LogEntry | undefined, record: RecordText, out: LogEntry[], source: string, clock?: LineClock) {
      if (entry) {
        for (const before of recent) before.leads = true;
        out.push(...held, entry);
        held = [];
        recent = [];
        afterLeft = size.after;
        return;
      }
      if (afterLeft === 0 && size.before === 0) return;
      const shown = contextEntry(record, source, clock);
      remember(shown);
      if (afterLeft > 0) {
        afterLeft -= 1;
        out.push(shown);
      } else if (held.push(shown) > size.before) held.shift();
    },
    clear() {
      held = [];
      recent = [];
      afterLeft = 0;
    },
  };
}

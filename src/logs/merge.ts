import type { LogEntry } from './entry.js';

type Batches = AsyncIterable<LogEntry[]>;

const BATCH = 1000;
const REORDER_WINDOW = 10_000;

interface Cursor {
  iterator: AsyncIterator<LogEntry[]>;
  batch: LogEntry[];
  index: number;
  done: boolean;
  /** The time of its last entry: a line without a time stays after the line before it. */
  time: number;
  /** The first time in its batch: lines without a time before any timed one go just before it, not first of all. */
  ahead: number;
}

/** Several sources, each in time order, merged into one time order. A tie goes to the source listed first. */
export async function* mergeByTime(inputs: readonly Batches[]): AsyncGenerator<LogEntry[]> {
  if (inputs.length === 1) {
    yield* inputs[0]!;
    return;
  }
  const cursors: Cursor[] = inputs.map((input) => ({ iterator: input[Symbol.asyncIterator](), batch: [], index: 0, done: false, time: -Infinity, ahead: -Infinity }));
  let out: LogEntry[] = [];
  for (;;) {
    await Promise.all(cursors.filter((c) => !c.done && c.index >= c.batch.length).map(refill));
    let best: Cursor | undefined;
    let bestTime = Infinity;
    for (const cursor of cursors) {
      if (cursor.done) continue;
      const time = cursor.batch[cursor.index]!.time ?? (cursor.time === -Infinity ? cursor.ahead : cursor.time);
      if (!best || time < bestTime) [best, bestTime] = [cursor, time];
    }
    if (!best) break;
    best.time = bestTime;
    out.push(best.batch[best.index++]!);
    if (out.length >= BATCH) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

async function refill(cursor: Cursor): Promise<void> {
  for (;;) {
    const next = await cursor.iterator.next();
    if (next.done) {
      cursor.done = true;
      return;
    }
    if (next.value.length > 0) {
      cursor.batch = next.value;
      cursor.index = 0;
      if (cursor.time === -Infinity) cursor.ahead = next.value.find((entry) => entry.time !== undefined)?.time ?? -Infinity;
      return;
    }
  }
}

/** Entries of several sources as each arrives (follow mode: time order is arrival order). */
export async function* mergeArrivals(inputs: readonly Batches[]): AsyncGenerator<LogEntry[]> {
  const iterators = inputs.map((input) => input[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<LogEntry[]> }>>();
  const pull = (index: number) => pending.set(index, iterators[index]!.next().then((result) => ({ index, result })));
  iterators.forEach((_, index) => pull(index));
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      pull(index);
      yield result.value;
    }
  } finally {
    // A source still waiting for lines is told to stop; its pending read is not waited for.
    for (const iterator of iterators) void iterator.return?.()?.catch(() => undefined);
  }
}

/**
 * Puts entries that come roughly in time order (compose prints one container's history after the
 * other) into time order, within a window of 10,000 entries so memory stays flat.
 */
export async function* reorder(input: Batches, window = REORDER_WINDOW): AsyncGenerator<LogEntry[]> {
  let held: { entry: LogEntry; key: number }[] = [];
  let time = -Infinity;
  const sorted = () => held.sort((a, b) => a.key - b.key);
  for await (const batch of input) {
    for (const entry of batch) {
      time = entry.time ?? time;
      held.push({ entry, key: time });
    }
    if (held.length > window) {
      const ready = sorted().splice(0, held.length - window / 2);
      yield ready.map((h) => h.entry);
    }
  }
  if (held.length > 0) yield sorted().map((h) => h.entry);
  held = [];
}

/** The last `count` matches (with their context records), holding about twice that many at a time. */
export async function lastOf(input: Batches, count: number): Promise<LogEntry[]> {
  let kept: LogEntry[] = [];
  for await (const batch of input) {
    for (const entry of batch) kept.push(entry);
    if (kept.length > 2 * count) kept = lastMatchesOf(kept, count);
  }
  return count === 0 ? [] : lastMatchesOf(kept, count);
}

/** From the count-th match from the end on, with the -B records before it: context records ride along without counting. */
export function lastMatchesOf(entries: LogEntry[], count: number): LogEntry[] {
  if (count === 0) return [];
  let found = 0;
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    if (entries[i]!.context || ++found < count) continue;
    while (i > 0 && entries[i - 1]!.leads) i -= 1;
    return entries.slice(i);
  }
  return entries;
}

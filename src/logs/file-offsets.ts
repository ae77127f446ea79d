import type { FileHandle } from 'node:fs/promises';

const WINDOW = 64 * 1024;
/** How far a probe looks for a line with a time before it gives up. */
const PROBE_LIMIT = 1024 * 1024;

interface Probe {
  /** Where the line starts and where the line after it starts. */
  start: number;
  end: number;
  time: number;
}

export type TimeOf = (line: string) => number | undefined;

/**
 * The byte range of [since, until] in a file whose times ascend, found by binary search; the whole
 * file when its times do not seem to ascend (the reader filters every line by time anyway, so a
 * wrong guess costs speed, never lines).
 */
export async function timeRange(handle: FileHandle, size: number, timeOf: TimeOf, since?: number, until?: number): Promise<{ start: number; end: number }> {
  const whole = { start: 0, end: size };
  if (size <= WINDOW || (since === undefined && until === undefined)) return whole;
  const first = await probe(handle, 0, size, timeOf);
  const last = await probe(handle, Math.max(0, size - WINDOW), size, timeOf);
  if (!first || !last || first.time > last.time) return whole;
  const from = since === undefined ? { before: 0, after: 0 } : await boundary(handle, size, timeOf, (t) => t >= since);
  const to = until === undefined ? { before: size, after: size } : await boundary(handle, size, timeOf, (t) => t > until);
  if (!from || !to) return whole;
  return { start: from.before, end: Math.max(from.before, to.after) };
}

interface Boundary {
  /** Every line starting before it fails `reached`. */
  before: number;
  /** Every line starting at or after it passes `reached` (times ascending). */
  after: number;
}

/** Where `reached` starts to hold, by binary search over byte offsets; undefined when the probes contradict ascending times. */
async function boundary(handle: FileHandle, size: number, timeOf: TimeOf, reached: (time: number) => boolean): Promise<Boundary | undefined> {
  let lo = 0;
  let hi = size;
  let after = size;
  const seen: Probe[] = [];
  while (hi - lo > WINDOW) {
    const mid = Math.floor((lo + hi) / 2);
    const found = await probe(handle, mid, size, timeOf);
    // No time within reach after mid: look before it; `after` stays where a time said so.
    if (!found || found.start >= hi) {
      hi = mid;
      continue;
    }
    if (seen.some((p) => (p.start < found.start && p.time > found.time) || (p.start > found.start && p.time < found.time))) return undefined;
    seen.push(found);
    if (reached(found.time)) {
      hi = mid;
      after = found.start;
    } else {
      lo = found.end;
    }
  }
  // The reader goes through the last window line by line.
  return { before: lo === 0 ? 0 : Math.min(await lineStartAt(handle, lo), after), after };
}

/** The first line with a time starting at or after `from` (0, or just after a newline). */
async function probe(handle: FileHandle, from: number, size: number, timeOf: TimeOf): Promise<Probe | undefined> {
  let start = from === 0 ? 0 : await lineStartAt(handle, from);
  const stop = Math.min(size, from + PROBE_LIMIT);
  const buffer = Buffer.alloc(WINDOW);
  while (start < stop) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(WINDOW, size - start), start);
    const lastNewline = buffer.lastIndexOf(10, bytesRead - 1);
    if (lastNewline < 0) return undefined;
    let lineStart = 0;
    while (lineStart <= lastNewline) {
      const newline = buffer.indexOf(10, lineStart);
      const time = timeOf(buffer.toString('utf8', lineStart, newline > lineStart && buffer[newline - 1] === 13 ? newline - 1 : newline));
      if (time !== undefined) return { start: start + lineStart, end: start + newline + 1, time };
      lineStart = newline + 1;
    }
    start += lastNewline + 1;
  }
  return undefined;
}

/** Where the first line starting at or after `position` starts. */
async function lineStartAt(handle: FileHandle, position: number): Promise<number> {
  const buffer = Buffer.alloc(WINDOW);
  let at = position - 1;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, WINDOW, at);
    if (bytesRead === 0) return at;
    const newline = buffer.indexOf(10);
    if (newline >= 0 && newline < bytesRead) return at + newline + 1;
    at += bytesRead;
  }
}

import { isAscii } from 'node:buffer';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { OpsError } from '../errors.js';

const CHUNK = 1024 * 1024;
/** Reading backwards starts small and doubles up to CHUNK: `-n 20` of a big log checks a few hundred lines, not a MiB's worth. */
const FIRST_BACKWARD_CHUNK = 16 * 1024;
const NEWLINE = 10;
const MAX_HELD = 10_000;
/**
 * A line is kept up to its first MiB, the rest dropped and the cut said: a 200 MB line (a dumped
 * blob) must not make logs hold and scan hundreds of MB. Applies to reading forward, backward and -f.
 */
export const MAX_LINE_BYTES = CHUNK;
export const CUT_MARK = ' [... line cut: longer than 1 MiB]';

/**
 * Opens a log for reading; refuses anything but a regular file. Non-blocking, so a FIFO cannot hang
 * open() until a writer comes (Ctrl-C and --timeout could not stop that: it blocks a libuv thread).
 */
export async function openLogFile(file: string): Promise<FileHandle> {
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  const stats = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  if (stats.isFile()) return handle;
  await handle.close();
  if (stats.isDirectory()) throw new OpsError(`${file} is a folder, not a log file.`, 'List the log files themselves under logs.files.');
  throw new OpsError(`${file} is not a regular file (a pipe, socket or device): opsctl reads log files only.`, 'Point logs.files at the file the app writes, not at a pipe.');
}

/** Lines of a whole chunk, decoded at once: one decode per chunk is what keeps big files fast. */
export function splitLines(buffer: Buffer, start: number, end: number): string[] {
  // Plain ASCII (most logs) decodes as latin1 to the same text at several times the speed of utf8.
  const encoding = isAscii(buffer.subarray(start, end)) ? 'latin1' : 'utf8';
  const lines = buffer.toString(encoding, start, end).split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
  return lines;
}

export interface ForwardRead {
  lines: string[];
  /** Where the next unread line starts. */
  next: number;
}

/**
 * Complete lines as bytes: `buffer` up to `end` (no newline after the last), valid only until the
 * next one is asked for (the buffer is reused); a line cut at 1 MiB comes alone, decoded, as `cut`.
 */
export type ForwardChunk = { buffer: Buffer; end: number; next: number; cut?: undefined } | { cut: string; next: number };

/** The complete lines in [start, end), a batch per chunk, decoded (see readChunks). */
export async function* readForward(handle: FileHandle, start: number, end: number, partialLast = true): AsyncGenerator<ForwardRead> {
  for await (const chunk of readChunks(handle, start, end, partialLast)) {
    yield { lines: chunk.cut === undefined ? splitLines(chunk.buffer, 0, chunk.end) : [chunk.cut], next: chunk.next };
  }
}

/**
 * The complete lines in [start, end), a chunk of bytes at a time: a reader that tests bytes first
 * decodes only the lines it keeps. A last line without its newline is included only with
 * `partialLast` (no follow comes after): a writer may be half way through it.
 */
export async function* readChunks(handle: FileHandle, start: number, end: number, partialLast = true): AsyncGenerator<ForwardChunk> {
  const buffer = Buffer.alloc(CHUNK);
  let carry = 0;
  let skipping = false;
  let position = start;
  while (position < end) {
    if (carry === buffer.length) {
      // A line longer than the buffer: its first MiB, then the rest up to its newline is skipped.
      yield { cut: splitLines(buffer, 0, carry)[0]! + CUT_MARK, next: position };
      carry = 0;
      skipping = true;
    }
    const { bytesRead } = await handle.read(buffer, carry, Math.min(buffer.length - carry, end - position), position);
    if (bytesRead === 0) break;
    position += bytesRead;
    let filled = carry + bytesRead;
    if (skipping) {
      const newline = buffer.subarray(0, filled).indexOf(NEWLINE);
      if (newline < 0) {
        carry = 0;
        continue;
      }
      buffer.copy(buffer, 0, newline + 1, filled);
      filled -= newline + 1;
      skipping = false;
    }
    const last = filled > 0 ? buffer.lastIndexOf(NEWLINE, filled - 1) : -1;
    if (last < 0) {
      carry = filled;
      continue;
    }
    yield { buffer, end: last, next: position - (filled - last - 1) };
    buffer.copy(buffer, 0, last + 1, filled);
    carry = filled - last - 1;
  }
  if (carry > 0 && partialLast) yield { buffer, end: carry, next: position };
}

/**
 * The lines of [start, end) from the end backwards: each batch in file order, batches latest first.
 * A batch starts at a line that `isHead` accepts where it can, so a stack trace stays with its first line.
 */
export async function* readBackward(handle: FileHandle, start: number, end: number, isHead: (line: string) => boolean): AsyncGenerator<string[]> {
  let position = end;
  let later: string[] = [];
  let tailBytes = Buffer.alloc(0);
  let cut = false;
  let step = FIRST_BACKWARD_CHUNK;
  while (position > start) {
    const size = Math.min(step, position - start);
    step = Math.min(step * 2, CHUNK);
    position -= size;
    const chunk = Buffer.alloc(size);
    await readFully(handle, chunk, position);
    const buffer = tailBytes.length > 0 ? Buffer.concat([chunk, tailBytes]) : chunk;
    // The bytes before the first newline may be the end of a line that starts in the chunk before.
    const first = position > start ? buffer.indexOf(NEWLINE) : -1;
    if (position > start && first < 0) {
      // Still inside one line: keep its first MiB only (its start is read later, going backwards).
      cut ||= buffer.length > MAX_LINE_BYTES;
      tailBytes = buffer.length > MAX_LINE_BYTES ? Buffer.from(buffer.subarray(0, MAX_LINE_BYTES)) : buffer;
      continue;
    }
    tailBytes = first >= 0 ? buffer.subarray(0, first) : Buffer.alloc(0);
    const text = buffer.length > first + 1 ? splitLines(buffer, first + 1, trimNewline(buffer)) : [];
    if (cut && text.length > 0) text[text.length - 1] = text.at(-1)!.slice(0, MAX_LINE_BYTES) + CUT_MARK;
    cut = false;
    const lines = [...text, ...later];
    // Lines before the first head belong to a line in an earlier chunk; a file of nothing but indented lines is not held whole.
    const head = position > start && lines.length < MAX_HELD ? lines.findIndex(isHead) : 0;
    later = head > 0 ? lines.slice(0, head) : head < 0 ? lines : [];
    if (head >= 0 && lines.length > 0) yield head > 0 ? lines.slice(head) : lines;
  }
}

function trimNewline(buffer: Buffer): number {
  return buffer[buffer.length - 1] === NEWLINE ? buffer.length - 1 : buffer.length;
}

async function readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) throw new Error(`The file shrank while it was read at byte ${position + done}.`);
    done += bytesRead;
  }
}

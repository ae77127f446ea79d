import { stat, type FileHandle } from 'node:fs/promises';
import { OpsError } from '../errors.js';
import { delay } from '../process/delay.js';
import { openLogFile, readForward } from './file-read.js';

export interface FollowStart {
  /** The open file history was read from, or undefined when the file did not exist. */
  handle?: FileHandle;
  /** Where its next unread line starts. */
  position: number;
}

export interface FollowEvents {
  /** A new file took the name (logrotate's create mode), or the file was emptied (copytruncate). */
  onRotate?: (how: 'rotated' | 'truncated') => void;
}

const POLL_MS = 250;

/**
 * New lines of `file` as they are written, like `tail -F`: survives rotation (the old file is read to
 * its end before the new one) and truncation, and waits for a file that does not exist yet. Polls
 * rather than watches: fs.watch misses events on network drives and some Windows setups.
 */
export async function* followFile(file: string, from: FollowStart, signal: AbortSignal, events: FollowEvents = {}): AsyncGenerator<string[]> {
  let handle = from.handle;
  let position = from.position;
  let mark = handle ? await bytesBefore(handle, position) : EMPTY;
  try {
    while (!signal.aborted) {
      if (!handle) {
        // Not there (yet, or between rotations): try again next poll. A pipe in its place is an error.
        handle = await openLogFile(file).catch((error: unknown) => (error instanceof OpsError ? Promise.reject(error) : undefined));
        position = 0;
        mark = EMPTY;
      }
      let progressed = false;
      if (handle) {
        const size = (await handle.stat()).size;
        // Shorter, or as long but with other bytes before our position: truncated (and maybe regrown
        // within one poll, which size alone cannot tell); the same inode, so rotation checks miss it.
        if (size < position || !mark.equals(await bytesBefore(handle, position))) {
          events.onRotate?.('truncated');
          position = 0;
        }
        for await (const read of readForward(handle, position, size, false)) {
          position = read.next;
          progressed = true;
          yield read.lines;
        }
        if (progressed || position === 0) mark = await bytesBefore(handle, position);
        if (await replaced(file, handle)) {
          // Whatever the writer added to the old file after our last read, then the new file from its start.
          for await (const read of readForward(handle, position, (await handle.stat()).size, true)) yield read.lines;
          await handle.close();
          handle = undefined;
          events.onRotate?.('rotated');
          continue;
        }
      }
      if (!progressed && !(await delay(POLL_MS, signal))) break;
    }
  } finally {
    await handle?.close();
  }
}

const EMPTY = Buffer.alloc(0);
/** Bytes kept from just before the read position: a log line's end, with its time or id, rarely repeats. */
const MARK_BYTES = 64;

async function bytesBefore(handle: FileHandle, position: number): Promise<Buffer> {
  const start = Math.max(0, position - MARK_BYTES);
  const buffer = Buffer.alloc(position - start);
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
  return buffer.subarray(0, bytesRead);
}

/** The name now points to another file than the one we hold open. */
async function replaced(file: string, handle: FileHandle): Promise<boolean> {
  const [named, held] = await Promise.all([stat(file, { bigint: true }).catch(() => undefined), handle.stat({ bigint: true })]);
  if (!named) return false; // Renamed away and not yet recreated: keep reading the old one.
  return named.ino !== held.ino || named.dev !== held.dev;
}

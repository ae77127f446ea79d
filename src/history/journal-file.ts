import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/**
 * Appends `line` on a line of its own. A journal that ends mid-line (an append cut short by a full
 * disk or a crash) first gets the newline it lacks, so the new entry is never glued to the torn one.
 * Returns the torn line's number, if there was one. Two writers mending the same tail at once leave an
 * empty line, which readers pass over.
 */
export async function appendLine(file: string, line: string): Promise<number | undefined> {
  const handle = await open(file, 'a+');
  try {
    const { size } = await handle.stat();
    const torn = size > 0 && (await byteAt(handle, size - 1)) !== 0x0a;
    // O_APPEND: every write lands at the end whatever the position; appendFile retries short writes.
    await handle.appendFile(`${torn ? '\n' : ''}${line}\n`);
    return torn ? (await countNewlines(handle, size)) + 1 : undefined;
  } finally {
    await handle.close();
  }
}

async function byteAt(handle: FileHandle, position: number): Promise<number> {
  const { buffer, bytesRead } = await handle.read(Buffer.alloc(1), 0, 1, position);
  return bytesRead === 1 ? buffer[0]! : -1;
}

/** Only when a tail was torn, to name its line: the whole file, in chunks. */
async function countNewlines(handle: FileHandle, upTo: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024);
  let count = 0;
  for (let position = 0; position < upTo; ) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, upTo - position), position);
    if (bytesRead === 0) break;
    for (let i = 0; i < bytesRead; i += 1) if (chunk[i] === 0x0a) count += 1;
    position += bytesRead;
  }
  return count;
}

/** The file's lines as they stream in; undefined when it does not exist. */
export async function openLines(file: string): Promise<AsyncIterable<string> | undefined> {
  try {
    const stream = createReadStream(file, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    return createInterface({ input: stream, crlfDelay: Infinity });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

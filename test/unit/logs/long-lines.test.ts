import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUT_MARK, MAX_LINE_BYTES, readBackward, readForward } from '../../../src/logs/file-read.js';
import { tempDir } from '../helpers.js';

const LONG = 'x'.repeat(3 * MAX_LINE_BYTES + 12345);

async function withFile<T>(text: string, use: (handle: Awaited<ReturnType<typeof open>>, size: number) => Promise<T>): Promise<T> {
  const file = path.join(tempDir(), 'app.log');
  writeFileSync(file, text);
  const handle = await open(file, 'r');
  try {
    return await use(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

describe('a line longer than 1 MiB', () => {
  const text = `first\n${LONG}\nnext\n`;
  const cut = 'x'.repeat(MAX_LINE_BYTES) + CUT_MARK;

  it('reading forward: its first MiB and the cut said, then the lines after it', async () => {
    const lines = await withFile(text, async (handle, size) => {
      const out: string[] = [];
      for await (const read of readForward(handle, 0, size)) out.push(...read.lines);
      return out;
    });
    expect(lines).toEqual(['first', cut, 'next']);
  });

  it('reading backward (-n): the same lines, no more than a MiB or two of the long one held', async () => {
    const lines = await withFile(text, async (handle, size) => {
      const batches: string[][] = [];
      for await (const batch of readBackward(handle, 0, size, () => true)) batches.unshift(batch);
      return batches.flat();
    });
    expect(lines.map((l) => (l.length > 100 ? `${l.length}${l.endsWith(CUT_MARK) ? ' cut' : ''}` : l))).toEqual(['first', `${MAX_LINE_BYTES + CUT_MARK.length} cut`, 'next']);
  });
});

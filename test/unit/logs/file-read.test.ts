import { open } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBackward, readForward } from '../../../src/logs/file-read.js';
import { timeRange } from '../../../src/logs/file-offsets.js';
import { timeOfLine } from '../../../src/logs/file-source.js';
import { tempDir } from '../helpers.js';
import { pinoLine, T0, writePinoLog } from './generate.js';

async function collectForward(file: string, partialLast = true): Promise<string[]> {
  const handle = await open(file, 'r');
  try {
    const lines: string[] = [];
    for await (const read of readForward(handle, 0, (await handle.stat()).size, partialLast)) lines.push(...read.lines);
    return lines;
  } finally {
    await handle.close();
  }
}

async function collectBackward(file: string): Promise<string[][]> {
  const handle = await open(file, 'r');
  try {
    const batches: string[][] = [];
    for await (const batch of readBackward(handle, 0, (await handle.stat()).size, (line) => !line.startsWith(' '))) batches.push(batch);
    return batches;
  } finally {
    await handle.close();
  }
}

describe('reading a log file', () => {
  it('forward: every line across 1 MB chunks, CRLF, multi-byte characters split by a chunk edge', async () => {
    const file = path.join(tempDir(), 'a.log');
    const lines = Array.from({ length: 30_000 }, (_, i) => `${'é'.repeat(i % 50)} line ${i} ${'x'.repeat(i % 97)}`);
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    expect(await collectForward(file)).toEqual(lines);
  });

  it('forward: a last line without its newline only when asked (follow reads it once it is whole)', async () => {
    const file = path.join(tempDir(), 'b.log');
    writeFileSync(file, 'one\ntwo\nhalf');
    expect(await collectForward(file, true)).toEqual(['one', 'two', 'half']);
    expect(await collectForward(file, false)).toEqual(['one', 'two']);
  });

  it('backward: every line, batches latest first, each batch in file order starting at a head line', async () => {
    const file = path.join(tempDir(), 'c.log');
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i += 1) lines.push(i % 5 === 0 ? `ERROR ${i}` : `    at frame ${i} ${'y'.repeat(i % 300)}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const batches = await collectBackward(file);
    expect(batches.length).toBeGreaterThan(2);
    expect([...batches].reverse().flat()).toEqual(lines);
    for (const batch of batches) expect(batch[0]!.startsWith('ERROR')).toBe(true);
  });

  it('backward: multi-byte characters and CRLF across the edges of small first reads; the latest batch is a small read', async () => {
    const file = path.join(tempDir(), 'f.log');
    const lines = Array.from({ length: 30_000 }, (_, i) => `${'€'.repeat(i % 40)} line ${i} ${'z'.repeat(i % 89)}`);
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const batches = await collectBackward(file);
    expect([...batches].reverse().flat().map((line) => line.replace(/\r$/, ''))).toEqual(lines);
    // `-n 20` of a 3 MB log must not split and check a whole MiB of lines first.
    expect(Buffer.byteLength(batches[0]!.join('\n'))).toBeLessThanOrEqual(64 * 1024);
  });

  it('backward: a file without a final newline and one of a single line', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'd.log'), 'a\nb\nc');
    expect((await collectBackward(path.join(dir, 'd.log'))).flat()).toEqual(['a', 'b', 'c']);
    writeFileSync(path.join(dir, 'e.log'), 'only\n');
    expect((await collectBackward(path.join(dir, 'e.log'))).flat()).toEqual(['only']);
  });
});

describe('--since and --until by binary search', () => {
  it('finds the byte range of a time window in a file whose times ascend', async () => {
    const file = writePinoLog(path.join(tempDir(), 'app.log'), 50_000);
    const handle = await open(file, 'r');
    try {
      const size = (await handle.stat()).size;
      const since = T0 + 30_000 * 1000;
      const until = T0 + 30_100 * 1000;
      const range = await timeRange(handle, size, timeOfLine, since, until);
      // The range is a small part of the file that still holds every line of the window.
      expect(range.end - range.start).toBeLessThan(size / 10);
      const lines: string[] = [];
      for await (const read of readForward(handle, range.start, range.end)) lines.push(...read.lines);
      const inWindow = lines.filter((line) => {
        const time = timeOfLine(line)!;
        return time >= since && time <= until;
      });
      expect(inWindow).toEqual(Array.from({ length: 101 }, (_, k) => pinoLine(30_000 + k)));
    } finally {
      await handle.close();
    }
  });

  it('reads the whole file when its times do not ascend', async () => {
    const file = path.join(tempDir(), 'shuffled.log');
    const lines = Array.from({ length: 20_000 }, (_, i) => pinoLine(20_000 - i));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const handle = await open(file, 'r');
    try {
      const size = (await handle.stat()).size;
      expect(await timeRange(handle, size, timeOfLine, T0 + 5_000_000, undefined)).toEqual({ start: 0, end: size });
    } finally {
      await handle.close();
    }
  });

  it('a window before or after every line gives an empty range at the right end', async () => {
    const file = writePinoLog(path.join(tempDir(), 'app.log'), 20_000);
    const handle = await open(file, 'r');
    try {
      const size = (await handle.stat()).size;
      const after = await timeRange(handle, size, timeOfLine, T0 + 10_000_000_000, undefined);
      expect(size - after.start).toBeLessThan(70 * 1024);
      const before = await timeRange(handle, size, timeOfLine, undefined, T0 - 1);
      expect(before.end).toBeLessThan(70 * 1024);
    } finally {
      await handle.close();
    }
  });
});

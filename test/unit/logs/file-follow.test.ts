import { open } from 'node:fs/promises';
import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { followFile } from '../../../src/logs/file-follow.js';
import { tempDir } from '../helpers.js';

/** Follows `file` in the background, collecting lines, until stop() is called. */
function follower(file: string, position?: number) {
  const controller = new AbortController();
  const lines: string[] = [];
  const events: string[] = [];
  const done = (async () => {
    // As after history: the file held open at the end of what history read.
    const handle = position === undefined ? undefined : await open(file, 'r');
    for await (const batch of followFile(file, { handle, position: position ?? 0 }, controller.signal, { onRotate: (how) => events.push(how) })) lines.push(...batch);
  })();
  return {
    lines,
    events,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('following a file (tail -F)', () => {
  it('prints appended lines, a half-written line only once it is whole', async () => {
    const file = path.join(tempDir(), 'app.log');
    writeFileSync(file, 'old\n');
    const f = follower(file, 4);
    appendFileSync(file, 'one\ntw');
    await until('one', () => f.lines.length === 1);
    appendFileSync(file, 'o\nthree\n');
    await until('two and three', () => f.lines.length === 3);
    await f.stop();
    expect(f.lines).toEqual(['one', 'two', 'three']);
  });

  it('survives rotation: the rest of the old file, then the new one from its start', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.log');
    writeFileSync(file, '');
    const f = follower(file, 0);
    appendFileSync(file, 'before rotation\n');
    await until('the first line', () => f.lines.length === 1);
    renameSync(file, path.join(dir, 'app.log.1'));
    appendFileSync(path.join(dir, 'app.log.1'), 'late write to the old file\n');
    writeFileSync(file, 'first of the new file\n');
    await until('both', () => f.lines.length === 3);
    appendFileSync(file, 'second of the new file\n');
    await until('the next', () => f.lines.length === 4);
    await f.stop();
    expect(f.lines).toEqual(['before rotation', 'late write to the old file', 'first of the new file', 'second of the new file']);
    expect(f.events).toEqual(['rotated']);
  });

  it('survives truncation (copytruncate): reads again from the start', async () => {
    const file = path.join(tempDir(), 'app.log');
    writeFileSync(file, 'a long first line that makes the file bigger\n');
    const f = follower(file, 0);
    await until('the first line', () => f.lines.length === 1);
    truncateSync(file, 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    appendFileSync(file, 'after\n');
    await until('after', () => f.lines.length === 2);
    await f.stop();
    expect(f.lines).toEqual(['a long first line that makes the file bigger', 'after']);
    expect(f.events).toEqual(['truncated']);
  });

  it('a file truncated and regrown past our position within one poll is read again from its start', async () => {
    const file = path.join(tempDir(), 'app.log');
    writeFileSync(file, 'old-1\nold-2\n');
    const f = follower(file, 12);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // One write: emptied and refilled between two polls (250 ms apart), longer than before.
    writeFileSync(file, 'new-line-1\nnew-line-2\n');
    await until('the new lines', () => f.lines.length >= 2);
    await f.stop();
    expect(f.lines).toEqual(['new-line-1', 'new-line-2']);
    expect(f.events).toEqual(['truncated']);
  });

  it('waits for a file that does not exist yet', async () => {
    const file = path.join(tempDir(), 'later.log');
    const f = follower(file);
    await new Promise((resolve) => setTimeout(resolve, 300));
    writeFileSync(file, 'hello\n');
    await until('hello', () => f.lines.length === 1);
    await f.stop();
    expect(f.lines).toEqual(['hello']);
  });

  it('stops at once when the signal aborts', async () => {
    const file = path.join(tempDir(), 'quiet.log');
    writeFileSync(file, '');
    const f = follower(file, 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await f.stop();
    expect(Date.now() - started).toBeLessThan(200);
  });
});

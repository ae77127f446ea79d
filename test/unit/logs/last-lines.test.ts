import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linesAfter, pickLastLines } from '../../../src/logs/last-lines.js';

const dir = mkdtempSync(path.join(tmpdir(), 'last-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the release\'s own last lines after a failed gate', () => {
  it('reads only what a file gained after the mark; an err file counts whole, an out file only at error level with its stack trace', async () => {
    const out = path.join(dir, 'app-out-0.log');
    const err = path.join(dir, 'app-error-0.log');
    writeFileSync(out, 'old ERROR from the release before\n');
    writeFileSync(err, 'old stderr\n');
    const marks = ['old ERROR from the release before\n'.length, 'old stderr\n'.length];
    appendFileSync(out, 'listening on 3000\n{"level":50,"msg":"db down"}\nTypeError: x is not a function\n    at main (/app/server.js:3:9)\n');
    appendFileSync(err, '/app/server.js:3\nError: boom\n');
    const lines = pickLastLines([...(await linesAfter(out, marks[0]!, 'app#0/out', false)), ...(await linesAfter(err, marks[1]!, 'app#0/err', true))], 20);
    expect(lines).toEqual([
      'app#0/out: {"level":50,"msg":"db down"}',
      'app#0/out: TypeError: x is not a function',
      'app#0/out:     at main (/app/server.js:3:9)',
      'app#0/err: /app/server.js:3',
      'app#0/err: Error: boom',
    ]);
    expect(pickLastLines(await linesAfter(err, marks[1]!, 'e', true), 1)).toEqual(['e: Error: boom']);
  });

  it('a file truncated since the mark is read from its start; a missing file has no lines', async () => {
    const file = path.join(dir, 'rotated.log');
    writeFileSync(file, 'Error: after rotation\n');
    expect((await linesAfter(file, 10_000, 'r', true)).map((e) => e.text)).toEqual(['Error: after rotation']);
    expect(await linesAfter(path.join(dir, 'missing.log'), 0, 'm', true)).toEqual([]);
  });
});

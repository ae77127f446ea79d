import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/output/logger.js';
import { createStyle } from '../../../src/output/style.js';

function terminal(columns: number) {
  const lines: string[] = [];
  const stream = { isTTY: true, columns, write: (chunk: string) => lines.push(chunk) > 0 } as unknown as Writable;
  return { lines, log: createLogger({ stream, style: createStyle(false), quiet: false, verbose: false, interactive: true }) };
}

describe('createLogger on a terminal', () => {
  it('a terminal of 0 columns (a pty with no size) gets plain step lines, not spinner redraws', () => {
    const { lines, log } = terminal(0);
    log.step('deploying').done('deployed');
    expect(lines.join('')).toMatch(/› deploying[\s\S]*✔ deployed/);
  });

  it('a sized terminal gets a spinner (nothing written until it starts)', () => {
    const { lines, log } = terminal(80);
    const step = log.step('deploying');
    expect(lines).toEqual([]);
    // Ended before ora's lazy import settles, so no real spinner starts writing after the test is over
    // (an unhandled error under Wine, where the import is slower; Linux only won that race by luck).
    step.done('deployed');
  });
});

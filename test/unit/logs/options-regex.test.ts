import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { createMatcher } from '../../../src/logs/matcher.js';
import { parseLogsOptions } from '../../../src/logs/options.js';
import { loadLinearRegex } from '../../../src/process/linear-regex.js';

// The commands that compile user regexes load the engine first (commands/logs.ts, runbook.ts, monitor, health).
beforeAll(loadLinearRegex);

describe('--grep runs in linear time', () => {
  it("'(a+)+$' on a line of 40 a and a '!' returns no match, and the next line still matches", () => {
    const { criteria } = parseLogsOptions({ grep: '(a+)+$' }, Date.now());
    const matcher = createMatcher({ ...criteria, correlationFields: [] }, 'app.log');
    expect(matcher.match(`${'a'.repeat(40)}!`)).toBeUndefined();
    expect(matcher.match('aaaa')).toMatchObject({ text: 'aaaa' });
  });

  it('a backreference is a usage error (exit 2) that says why', () => {
    let error: unknown;
    try {
      parseLogsOptions({ grep: '(a+)\\1' }, Date.now());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/^--grep \(a\+\)\\1 cannot run in linear time: it needs backtracking/);
    expect((error as UsageError).exitCode).toBe(2);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { compileLinear, loadLinearRegex, NotLinearError } from '../../../src/process/linear-regex.js';

// The commands that compile user regexes load the engine first (commands/logs.ts, runbook.ts, monitor, health).
beforeAll(loadLinearRegex);

// Each of these takes longer than the test timeout on a backtracking engine (2^40 paths, or 5,000^2).
const HOSTILE = 'a'.repeat(40) + '!';

describe('compileLinear', () => {
  it('returns on patterns that backtrack exponentially, with and without ignore-case', () => {
    expect(compileLinear('(a+)+$').test(HOSTILE)).toBe(false);
    expect(compileLinear('(a|aa)+$', true).test(HOSTILE.toUpperCase())).toBe(false);
    expect(compileLinear('(a{1,2})+$').test(`${'a'.repeat(5000)}!`)).toBe(false);
  });

  it('keeps JavaScript semantics for ordinary patterns, on either engine', () => {
    expect(compileLinear('timeout|refused', true).test('ECONNREFUSED by upstream')).toBe(true);
    expect(compileLinear('timeout|refused').test('ECONNREFUSED by upstream')).toBe(false);
    expect(compileLinear('"level":[56]\\d').test('{"level":50,"msg":"x"}')).toBe(true);
    expect(compileLinear('req-\\d{1,3}\\b').test('reqId=req-12345')).toBe(false);
    expect(compileLinear('(?<id>req-\\d+)$').test('done req-17')).toBe(true);
    expect(compileLinear('^\\s*at ').test('    at main (app.js:1:1)')).toBe(true);
  });

  it('refuses backreferences and lookarounds, and reports invalid patterns as SyntaxError', () => {
    for (const source of ['(a+)\\1', '(?=a)b']) expect(() => compileLinear(source)).toThrow(NotLinearError);
    // A lookbehind: refused on Node 20 and 22; Node 24's V8 (the executables' runtime, and node.exe under
    // Wine) runs it in linear time, so there it is accepted and must match as JavaScript does.
    const lookbehind = Number(process.versions.node.split('.')[0]) >= 24;
    if (lookbehind) expect([compileLinear('(?<!x)y').test('ay'), compileLinear('(?<!x)y').test('xy')]).toEqual([true, false]);
    else expect(() => compileLinear('(?<!x)y')).toThrow(NotLinearError);
    expect(() => compileLinear('(')).toThrow(SyntaxError);
  });
});

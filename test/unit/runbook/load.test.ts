import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/registry/commands.js';
import { ConfigError } from '../../../src/errors.js';
import { loadRunbooks, parseRunbook } from '../../../src/runbook/load.js';
import { tempDir } from '../helpers.js';

/** The problems of an invalid runbook, as the error lists them. */
function problems(text: string): string[] {
  try {
    parseRunbook('/rb/mine.yaml', text, 'user');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('/rb/mine.yaml is not a valid runbook');
    return (error as ConfigError).details!.problems as string[];
  }
  throw new Error('expected the runbook to be invalid');
}

const HEAD = 'name: mine\ndescription: test\n';

describe('runbook validation names the file, the step (number and name) and the key', () => {
  it('an unknown key in a step', () => {
    expect(problems(`${HEAD}steps:\n  - { name: first, opsctl: [status] }\n  - { name: second, opsctl: [doctor], continueOnEror: true }\n`)).toEqual(['step 2 (second): continueOnEror: unknown key']);
  });

  it('a step with neither or both of opsctl and run', () => {
    const message = "set exactly one of opsctl or run (or only check, to check an earlier step's result)";
    expect(problems(`${HEAD}steps:\n  - { name: nothing }\n`)).toEqual([`step 1 (nothing): (step): ${message}`]);
    expect(problems(`${HEAD}steps:\n  - { name: both, opsctl: [status], run: [ls] }\n`)).toEqual([`step 1 (both): (step): ${message}`]);
  });

  it('a bad duration in a check, a check with two operators, a bad regex', () => {
    const found = problems(
      `${HEAD}steps:\n  - { name: age, opsctl: [status], check: { path: backup.ageMs, below: 26 hours } }\n  - { name: two, opsctl: [status], check: { path: a, equals: 1, above: 2 } }\n  - { name: rx, opsctl: [status], check: { path: a, matches: "(" } }\n`,
    );
    expect(found).toEqual([
      'step 1 (age): check.below: expected a number or a duration such as 26h',
      expect.stringMatching(/^step 2 \(two\): check: set exactly one of equals, notEquals, below/),
      'step 3 (rx): check.matches: matches: not a valid regular expression',
    ]);
  });

  it('a step without a name is numbered only; top-level keys are named as such', () => {
    expect(problems(`name: Bad Name\nsteps:\n  - { opsctl: [status] }\n`)).toEqual([
      'name: use lower-case letters, digits and "-"',
      expect.stringMatching(/^description: /),
      expect.stringMatching(/^step 1: name: /),
    ]);
  });

  it('an argument that is not a string (an unquoted number) says to quote it', () => {
    expect(problems(`${HEAD}steps:\n  - { name: hist, opsctl: [history, -n, 5] }\n`)).toEqual(['step 1 (hist): opsctl[2]: expected a string (put numbers and true/false in quotes: "5")']);
  });

  it('${name} that is not a param, and env on an external command', () => {
    expect(problems(`${HEAD}params: { since: 1h }\nsteps:\n  - { name: logs, opsctl: [logs, --since, "\${sinse}"] }\n`)).toEqual(['step 1 (logs): opsctl[2]: ${sinse} is not a param (declare it under params:)']);
    expect(problems(`${HEAD}steps:\n  - { name: ext, run: [ls], env: staging }\n`)).toEqual(['step 1 (ext): env: env applies to opsctl steps only']);
  });

  it('a step with only a check needs an earlier step: the previous one, or the one of names', () => {
    expect(problems(`${HEAD}steps:\n  - { name: first, check: { path: a, exists: true } }\n`)).toEqual(['step 1 (first): check: the first step has no earlier result to check']);
    expect(problems(`${HEAD}steps:\n  - { name: status, opsctl: [status] }\n  - { name: age, of: stats, check: { path: a, exists: true } }\n`)).toEqual(['step 2 (age): of: no earlier step is named "stats"']);
    expect(problems(`${HEAD}steps:\n  - { name: age, of: later, check: { path: a, exists: true } }\n  - { name: later, opsctl: [status] }\n`)).toEqual(['step 1 (age): of: no earlier step is named "later"']);
    expect(problems(`${HEAD}steps:\n  - { name: status, opsctl: [status], of: status }\n`)).toEqual(['step 1 (status): of: of applies to steps with only a check']);
  });

  it('invalid YAML says where', () => {
    expect(problems('name: [unclosed\n')[0]).toMatch(/^invalid YAML at line \d+, column \d+/);
  });

  it('accepts a full step and fills the defaults', () => {
    const book = parseRunbook('/rb/ok.yaml', `${HEAD}params: { lines: 50 }\nsteps:\n  - name: logs\n    opsctl: [logs, -n, "\${lines}"]\n    exitCodes: [0, 1]\n    timeout: 2m\n    check: [{ path: count, atMost: 3 }, { path: count, exists: true }]\n`, 'user');
    expect(book.params).toEqual({ lines: '50' });
    expect(book.steps[0]).toMatchObject({ continueOnError: false, confirm: false, show: true, exitCodes: [0, 1], timeout: '2m' });
  });
});

describe('loading the runbook folders', () => {
  it('a user runbook replaces the shipped one of the same name; the others stay', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'morning.yaml'), `name: morning-check\ndescription: ours\nsteps:\n  - { name: only, run: [echo] }\n`);
    const books = loadRunbooks(dir);
    expect(books.get('morning-check')).toMatchObject({ description: 'ours', source: 'user', file: path.join(dir, 'morning.yaml') });
    expect(books.get('weekly-maintenance')?.source).toBe('shipped');
  });

  it('two files of one folder with one name, and a missing folder, are config errors', () => {
    const dir = tempDir();
    for (const file of ['a.yaml', 'b.yml']) writeFileSync(path.join(dir, file), `name: twin\ndescription: x\nsteps:\n  - { name: s, run: [echo] }\n`);
    expect(() => loadRunbooks(dir)).toThrow(/b\.yml and .*a\.yaml are both named "twin"/);
    expect(() => loadRunbooks(path.join(dir, 'nope'))).toThrow(/The runbooks folder .*nope does not exist/);
  });

  it('ignores files that are not YAML', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'README.md'), '# notes');
    expect([...loadRunbooks(dir, dir).keys()]).toEqual([]);
  });
});

describe('the shipped runbooks', () => {
  const shipped = loadRunbooks(undefined);

  it('are the manuals\' five checklists, all valid', () => {
    expect([...shipped.keys()].sort()).toEqual(['dr-drill', 'incident-triage', 'morning-check', 'release', 'weekly-maintenance']);
  });

  it('call only commands opsctl has (deploy is tolerated while the lead is writing it)', () => {
    const known = new Set<string>(COMMANDS.map((c) => c.name));
    const used = [...shipped.values()].flatMap((b) => b.steps.flatMap((s) => (s.opsctl ? [s.opsctl[0]!] : [])));
    const missing = [...new Set(used.filter((name) => !known.has(name)))];
    expect(missing).toEqual(known.has('deploy') ? [] : ['deploy']);
  });
});

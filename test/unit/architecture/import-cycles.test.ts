import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers.js';
import { runCheck } from './run-check.js';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'import-cycles');

const check = (folder: string) => runCheck('check-import-cycles.mjs', folder);

describe('scripts/check-import-cycles.mjs (run by npm test)', () => {
  it('finds no import circle in src/, nothing below cli/ imports it, and no command imports another', () => {
    const result = check('src');
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^No import circles in \d+ files under src;/);
    expect(result.status).toBe(0);
  });

  it('names a planted circle made of a type-only import, a dynamic import() and a re-export, and imports against the flow; exits 1', () => {
    const result = check(FIXTURES);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('import circle: circle/a.ts -> circle/b.ts -> circle/c.ts -> circle/a.ts');
    expect(result.stderr).toContain('import of cli/ from below it: domain/thing.ts -> cli/main.ts');
    expect(result.stderr).toContain('import of one command by another: commands/monitor.ts -> commands/health-check.ts');
    expect(result.stderr).toContain('1 import circle(s), 2 import(s) against the flow');
  });

  it('passes a folder whose only back-reference is a commented-out import', () => {
    const result = check(path.join(FIXTURES, 'clean'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers.js';

const SCRIPT = path.join(repoRoot, 'scripts', 'check-import-cycles.mjs');
const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'import-cycles');

function check(folder: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [SCRIPT, folder], { cwd: repoRoot, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

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

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers.js';
import { runCheck } from './run-check.js';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'effects');

const check = (folder: string) => runCheck('check-effects.mjs', folder);

describe('scripts/check-effects.mjs: files change the world only through the effects seam', () => {
  it('finds no file under src/ that writes, links or removes by itself, other than the allowed ones (each with its reason)', () => {
    const result = check('src');
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^No file under src changes the filesystem outside the effects seam, but the \d+ allowed\./);
    expect(result.status).toBe(0);
  });

  it('names every planted way to write (by name, renamed, Sync, namespace, fs.promises, dynamic, open for append) and a stale allowance; exits 1', () => {
    const result = check(FIXTURES);
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('changes files itself') || line.startsWith('allowed but'))).toEqual([
      'changes files itself: dynamic.ts (fs loaded dynamically)',
      'changes files itself: named.ts (writeFile (as put))',
      'changes files itself: namespace.ts (fs.promises.rm)',
      'changes files itself: nested/sync.ts (mkdirSync)',
      'changes files itself: open-write.ts (a file opened for writing)',
      'changes files itself: promises-alias.ts (fsp.symlink)',
      'allowed but changes nothing itself any more: gone.ts (take it off the list)',
    ]);
    // allowed.ts writes and is listed; clean.ts only reads (its writes are in comments).
    expect(result.stderr).not.toMatch(/allowed\.ts \(|clean\.ts/);
    expect(result.stderr).toContain('6 file(s) changing the filesystem themselves, 1 stale allowance(s).');
  });
});

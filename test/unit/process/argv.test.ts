import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../../../src/process/argv.js';
import { ConfigError } from '../../../src/errors.js';

describe('splitCommandLine', () => {
  it('splits on spaces and keeps ${OPSCTL_RELEASE} for opsctl to fill in', () => {
    expect(splitCommandLine('docker build -t app:${OPSCTL_RELEASE} .', 'k')).toEqual(['docker', 'build', '-t', 'app:${OPSCTL_RELEASE}', '.']);
  });

  it('groups quoted words, keeps empty quotes, and honours backslashes outside single quotes', () => {
    expect(splitCommandLine(`npm run "build all" -- --label 'a b' ""`, 'k')).toEqual(['npm', 'run', 'build all', '--', '--label', 'a b', '']);
    expect(splitCommandLine('echo a\\ b "q\\"uote" \'c\\d\'', 'k')).toEqual(['echo', 'a b', 'q"uote', 'c\\d']);
  });

  it('refuses shell syntax and unclosed quotes, naming the key', () => {
    expect(() => splitCommandLine('npm ci && npm run build', 'source.build[0]')).toThrow(/source\.build\[0\].*shell syntax/);
    expect(() => splitCommandLine('cat a | gzip', 'k')).toThrow(ConfigError);
    expect(() => splitCommandLine('echo "unclosed', 'k')).toThrow(/unclosed "/);
    expect(() => splitCommandLine('   ', 'k')).toThrow(/empty/);
  });

  it('quoted operators are ordinary arguments', () => {
    expect(splitCommandLine('grep "a|b" file', 'k')).toEqual(['grep', 'a|b', 'file']);
  });
});

import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../../../src/process/argv.js';
import { ConfigError } from '../../../src/errors.js';

describe('splitCommandLine', () => {
  it('splits on spaces and keeps ${OPSCTL_RELEASE} for opsctl to fill in', () => {
    expect(splitCommandLine('docker build -t app:${OPSCTL_RELEASE} .', 'k')).toEqual(['docker', 'build', '-t', 'app:${OPSCTL_RELEASE}', '.']);
  });

  it('groups quoted words and keeps empty quotes; inside "..." a backslash escapes only " and \\', () => {
    expect(splitCommandLine(`npm run "build all" -- --label 'a b' ""`, 'k')).toEqual(['npm', 'run', 'build all', '--', '--label', 'a b', '']);
    expect(splitCommandLine('echo "q\\"uote" "a\\\\b" "c\\d" \'e\\f\'', 'k')).toEqual(['echo', 'q"uote', 'a\\b', 'c\\d', 'e\\f']);
  });

  it('keeps Windows paths whole: a backslash outside quotes is a plain character', () => {
    expect(splitCommandLine('node scripts\\build.js', 'k')).toEqual(['node', 'scripts\\build.js']);
    expect(splitCommandLine('C:\\tools\\msbuild.exe /p:Configuration=Release', 'k')).toEqual(['C:\\tools\\msbuild.exe', '/p:Configuration=Release']);
  });

  it('refuses shell syntax and unclosed quotes, naming the key', () => {
    expect(() => splitCommandLine('npm ci && npm run build', 'source.build[0]')).toThrow(/source\.build\[0\].*shell syntax/);
    expect(() => splitCommandLine('cat a | gzip', 'k')).toThrow(ConfigError);
    expect(() => splitCommandLine('npm ci&&npm run build', 'k')).toThrow(/shell syntax/);
    expect(() => splitCommandLine('npm test >out.txt', 'k')).toThrow(/shell syntax/);
    expect(() => splitCommandLine('echo "unclosed', 'k')).toThrow(/unclosed "/);
    expect(() => splitCommandLine('   ', 'k')).toThrow(/empty/);
  });

  it('quoted operators are ordinary arguments', () => {
    expect(splitCommandLine('grep "a|b" file', 'k')).toEqual(['grep', 'a|b', 'file']);
  });
});

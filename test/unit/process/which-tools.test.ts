import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installHint, parseVersion, TOOLS } from '../../../src/process/tools.js';
import { which } from '../../../src/process/which.js';
import { requireTool } from '../../support/real-tools.js';
import { fixture, tempDir } from '../helpers.js';

function file(dir: string, name: string, mode = 0o755): string {
  const full = path.join(dir, name);
  writeFileSync(full, '', { mode });
  return full;
}

describe('which on POSIX', () => {
  it('finds an executable in the first PATH folder that has it', () => {
    const [a, b] = [tempDir(), tempDir()];
    file(a, 'git');
    const second = file(b, 'git');
    file(b, 'psql');
    expect(which('git', { PATH: [b, a].join(path.delimiter) }, 'linux')).toBe(second);
    expect(which('psql', { PATH: [a, b].join(path.delimiter) }, 'linux')).toBe(path.join(b, 'psql'));
  });

  it('skips folders and missing names', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'docker'));
    expect(which('docker', { PATH: dir }, 'linux')).toBeUndefined();
    expect(which('pm2', { PATH: dir }, 'linux')).toBeUndefined();
    expect(which('pm2', {}, 'linux')).toBeUndefined();
  });
});

// Needs a file without the execute bit, which Windows files do not have (any file may run there).
const modeBits = requireTool('file-mode-bits', () => (process.platform === 'win32' ? 'Windows files have no execute bit' : undefined));

describe.skipIf(!modeBits)('which on POSIX, execute bits', () => {
  it('skips files that are not executable', () => {
    const dir = tempDir();
    file(dir, 'notes', 0o644);
    expect(which('notes', { PATH: dir }, 'linux')).toBeUndefined();
  });
});

describe('which on a simulated win32 PATH', () => {
  it('tries PATHEXT extensions', () => {
    const dir = tempDir();
    const shim = file(dir, 'pm2.cmd', 0o644);
    expect(which('pm2', { Path: dir, PATHEXT: '.COM;.EXE;.BAT;.CMD' }, 'win32')).toBe(shim);
  });

  it('falls back to .EXE;.CMD;.BAT;.COM without PATHEXT', () => {
    const dir = tempDir();
    const exe = file(dir, 'docker.exe', 0o644);
    expect(which('docker', { PATH: dir }, 'win32')).toBe(exe);
  });

  it('only tries the extensions PATHEXT lists', () => {
    const dir = tempDir();
    file(dir, 'psql.ps1', 0o644);
    expect(which('psql', { PATH: dir, PATHEXT: '.EXE;.CMD' }, 'win32')).toBeUndefined();
  });

  // src bug: src/process/which.ts:7 tries the bare name before the PATHEXT extensions, so on Windows the
  // extensionless sh shim npm writes next to pm2.cmd (node_modules/.bin/pm2) is returned, though Windows cannot run
  // it; a stray extensionless file also counts as "installed". On win32 try '' only when `file` already ends with an
  // extension listed in PATHEXT.
  it('prefers pm2.cmd over the extensionless npm shell shim beside it', () => {
    const dir = tempDir();
    file(dir, 'pm2', 0o644);
    const shim = file(dir, 'pm2.cmd', 0o644);
    expect(which('pm2', { PATH: dir, PATHEXT: '.COM;.EXE;.BAT;.CMD' }, 'win32')).toBe(shim);
  });
});

describe('parseVersion on real --version outputs', () => {
  it.each([
    ['versions/psql.txt', '15.18'],
    ['versions/pg_dump.txt', '15.18'],
    ['versions/git.txt', '2.39.5'],
    ['versions/docker-compose-short.txt', '1.29.2'],
    ['versions/docker-compose.txt', '1.29.2'],
    ['versions/docker-client.txt', '28.2.2'],
    ['versions/docker-version.txt', '28.2.2'],
  ])('%s -> %s', (name, version) => expect(parseVersion(fixture(name))).toBe(version));

  it('finds nothing in an error message', () => {
    expect(parseVersion(fixture('versions/docker-compose-plugin-missing.stderr'))).toBeUndefined();
  });
});

describe('install hints', () => {
  it('every tool has a version probe that changes nothing', () => {
    expect(TOOLS.filter((t) => !t.versionCommand.readOnly).map((t) => t.name)).toEqual([]);
  });

  it('points to the package that provides the tool', () => {
    expect(installHint('pg_restore')).toContain('postgresql-client');
    expect(installHint('mongodump')).toContain('MongoDB Database Tools');
    expect(installHint('docker-compose')).toContain('docker-compose-plugin');
    expect(installHint('rsync')).toBe('Install rsync and make sure it is on PATH.');
  });
});

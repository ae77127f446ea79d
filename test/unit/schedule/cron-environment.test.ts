import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cronEnvironment, cronPath } from '../../../src/schedule/cron-environment.js';

// Real executables in real folders: which() checks the file and its x bit, as for the user's PATH.
const root = mkdtempSync(path.join(os.tmpdir(), 'opsctl-cron-path-'));
function tool(dir: string, name: string): string {
  const full = path.join(root, dir);
  mkdirSync(full, { recursive: true });
  writeFileSync(path.join(full, name), '#!/bin/sh\n');
  chmodSync(path.join(full, name), 0o755);
  return full;
}
const pm2Dir = tool('npm-global/bin', 'pm2');
const pgDir = tool('pg/bin', 'pg_dump');
const pyenv = tool('.pyenv/shims', 'python');
const cargo = tool('.cargo/bin', 'rg');
const interactive = { PATH: [pyenv, cargo, pm2Dir, pgDir, '/usr/bin', '/bin'].join(path.delimiter) };
const node = path.join(root, 'node', 'bin', 'node');

// cron's PATH is always ':'-separated; the folders are this machine's, so the expectations are built from them.
describe('cronPath', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('holds node\'s folder, the needed tools\' folders and the system\'s, and not the rest of the interactive PATH', () => {
    const value = cronPath([node, '/opt/opsctl/bin/opsctl.js'], ['pm2', 'pg_dump', 'git'], interactive);
    expect(value.startsWith([path.dirname(node), pm2Dir, pgDir].join(':'))).toBe(true);
    expect(value).toContain(':/usr/bin:');
    expect(value).not.toContain(pyenv);
    expect(value).not.toContain(cargo);
  });

  it('names each folder once, and skips needs that are no tool (daemon checks)', () => {
    const value = cronPath([node], ['pm2', 'docker engine', 'pm2'], interactive);
    expect(value).toBe([path.dirname(node), pm2Dir, '/usr/local/bin', '/usr/bin', '/bin'].join(':'));
  });

  it('carries PM2_HOME when the installing shell has one, as an absolute path', () => {
    expect(cronEnvironment([node], [], { ...interactive, PM2_HOME: 'pm2-home' })).toMatchObject({ PM2_HOME: path.resolve('pm2-home') });
    expect(Object.keys(cronEnvironment([node], [], interactive))).toEqual(['PATH']);
  });
});

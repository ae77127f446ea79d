import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { filesBackupApp, type FilesApp } from '../support/files-app.js';
import { cleanEnv, ensureBuilt, removeTempDirs, startCli, waitFor } from '../support/real-cli.js';

// --lock-wait against a lock held by a live process on this host (a real `sleep`, its pid in the lock
// file): without the flag the backup refuses at once; with it, the backup waits, says who holds the
// lock, and runs as soon as the holder is gone, or gives up with exit 4 once the wait is over.
const holders: number[] = [];

function holdLock(app: FilesApp): number {
  const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
  holders.push(holder.pid!);
  mkdirSync(path.join(app.stateDir, 'locks'), { recursive: true });
  const info = { environment: 'production', pid: holder.pid, host: os.hostname(), user: 'ops', command: 'opsctl deploy', startedAt: new Date().toISOString() };
  writeFileSync(path.join(app.stateDir, 'locks', 'production.lock'), JSON.stringify(info));
  return holder.pid!;
}

const sets = (app: FilesApp) => (existsSync(path.join(app.dir, 'backups')) ? readdirSync(path.join(app.dir, 'backups')).filter((name) => !name.startsWith('.')) : []);

describe('--lock-wait (real lock holder, built CLI)', () => {
  beforeAll(ensureBuilt, 120_000);
  afterEach(() => {
    for (const pid of holders.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  afterAll(removeTempDirs);

  it('refuses at once without it, and gives up with exit 4 naming the holder when the wait runs out', async () => {
    const app = filesBackupApp('lockwait-out');
    const pid = holdLock(app);
    const now = await app.cli('backup');
    expect(now.exitCode).toBe(4);
    expect(now.stderr).not.toContain('Waiting');
    const waited = await app.cli('backup', '--lock-wait', '1s');
    expect(waited.exitCode, waited.stderr).toBe(4);
    expect(waited.stderr).toContain(`pid ${pid}`);
    expect(waited.stderr).toContain('Waiting up to 1s');
    expect(waited.stderr).toContain('Waited 1.0s (--lock-wait)');
    expect(sets(app)).toEqual([]);
  }, 60_000);

  it('runs the backup once the holder is gone, within the wait', async () => {
    const app = filesBackupApp('lockwait-in');
    const pid = holdLock(app);
    const run = startCli(['backup', '--lock-wait', '5m', '-e', 'production'], { cwd: app.dir, env: cleanEnv({ PM2_HOME: path.join(app.dir, 'no-pm2') }) });
    let stderr = '';
    run.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor('the backup to say it waits', () => stderr.includes('Waiting up to 5m'));
    expect(sets(app)).toEqual([]);
    process.kill(pid, 'SIGKILL');
    const done = await run;
    expect(done.exitCode, stderr).toBe(0);
    expect(sets(app)).toHaveLength(1);
    expect(existsSync(path.join(app.stateDir, 'locks', 'production.lock'))).toBe(false);
  }, 60_000);

  it('stops waiting on Ctrl-C with exit 130 and takes nothing', async () => {
    const app = filesBackupApp('lockwait-int');
    holdLock(app);
    const run = startCli(['backup', '--lock-wait', '5m', '-e', 'production'], { cwd: app.dir, env: cleanEnv({ PM2_HOME: path.join(app.dir, 'no-pm2') }) });
    let stderr = '';
    run.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor('the backup to say it waits', () => stderr.includes('Waiting up to 5m'));
    run.kill('SIGINT');
    const done = await run;
    expect(done.exitCode, stderr).toBe(130);
    expect(sets(app)).toEqual([]);
  }, 60_000);

  it('refuses a --lock-wait that is not a duration with exit 2', async () => {
    const app = filesBackupApp('lockwait-bad');
    const bad = await app.cli('backup', '--lock-wait', 'soon');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--lock-wait soon is not a duration');
  }, 60_000);
});

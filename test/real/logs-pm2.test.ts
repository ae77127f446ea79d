// `opsctl logs` on a pm2 target reads pm2's own log files of the app: where the daemon's jlist says
// while it runs, by pm2's naming in PM2_HOME/logs once it is gone (and never starts one).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, removeTempDirs, runCli, startCli, uniqueSuffix, waitFor, writeConfig } from '../support/real-cli.js';
import { daemonPid, jlist, killPm2, pathWithPm2, pm2, type Pm2Process } from '../support/real-pm2.js';
import { requireTool } from '../support/real-tools.js';

const available = requireTool('pm2');

/** Each instance says it started (info, JSON), fails one request (error, JSON), complains on stderr, then ticks every 300 ms. */
const APP = `
const id = process.env.NODE_APP_INSTANCE ?? '0';
const log = (level, msg, extra = {}) => console.log(JSON.stringify({ level, time: Date.now(), pid: process.pid, msg, ...extra }));
log(30, 'started', { instance: id });
log(50, 'request failed', { reqId: 'req-' + id, corr: { correlationId: 'cid-' + id } });
console.error('ERROR plain stderr line from ' + id);
let tick = 0;
setInterval(() => log(30, 'tick ' + tick++), 300);
`;

describe.skipIf(!available)('logs of a real pm2 app (own PM2_HOME)', () => {
  const name = `opsctl-logs-${uniqueSuffix()}`;
  const moved = `${name}-moved`;
  let dir: string;
  let home: string;
  let started: Pm2Process[] = [];
  const env = () => cleanEnv({ PM2_HOME: home, PATH: pathWithPm2() });
  const logs = (environment: string, args: string[]) => runCli(['logs', '-e', environment, ...args], { cwd: dir, env: env() });

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('logs-pm2');
    home = path.join(dir, 'pm2-home');
    const script = path.join(dir, 'app.cjs');
    writeFileSync(script, APP);
    writeConfig(dir, {
      version: 1,
      app: 'reallogspm2',
      environments: {
        cluster: { target: { pm2: { name, script, instances: 2 } } },
        moved: { target: { pm2: { name: moved, script } } },
      },
    });
    await pm2(home, ['start', script, '--name', name, '-i', '2']);
    // Logs moved by the app's own settings: only the daemon knows where they are.
    await pm2(home, ['start', script, '--name', moved, '-o', path.join(dir, 'custom-out.log'), '-e', path.join(dir, 'custom-err.log')]);
    started = await waitFor('3 online instances', async () => {
      const list = await jlist(home);
      return list.length === 3 && list.every((p) => p.pm2_env.status === 'online') ? list : undefined;
    }, 60_000, 500);
    // pm2 writes the lines to its files a moment after the app prints them.
    await waitFor('the first lines in pm2\'s files', async () => (await logs('cluster', ['--grep', 'plain stderr', '--count'])).stdout === '2', 30_000, 300);
  }, 180_000);

  afterAll(async () => {
    if (home) await killPm2(home, started.map((p) => p.pid));
    removeTempDirs();
  });

  it('--level error: the error record of each instance from pm2\'s out files, and the stderr lines from its err files', async () => {
    const result = await logs('cluster', ['--level', 'error']);
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    const ids = started.filter((p) => p.name === name).map((p) => p.pm_id).sort();
    for (const id of ids) {
      expect(lines.some((line) => line.startsWith(`${name}#${id}/out `) && line.includes('ERROR request failed'))).toBe(true);
      expect(lines.some((line) => line.startsWith(`${name}#${id}/err ERROR plain stderr line from`))).toBe(true);
    }
    expect(lines.filter((line) => line.includes('tick'))).toEqual([]);
  });

  it('--correlation-id and --json: the one record, as the app wrote it', async () => {
    const result = await logs('cluster', ['--correlation-id', 'cid-1', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ level: 50, msg: 'request failed', reqId: 'req-1' });
  });

  it('finds logs the app moved elsewhere, from the daemon\'s jlist', async () => {
    const result = await logs('moved', ['--grep', 'started|plain stderr']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${moved}#\\d+/out .*INFO  started`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^${moved}#\\d+/err ERROR plain stderr`, 'm'));
  });

  it('-f shows new lines as pm2 writes them; Ctrl-C ends it with exit 0', async () => {
    const child = startCli(['logs', '-e', 'cluster', '-f', '-n', '0', '--grep', 'tick'], { cwd: dir, env: env() });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor('new ticks from both instances', () => new Set(out.split('\n').filter(Boolean).map((line) => line.split(' ')[0])).size === 2, 20_000, 100);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(out.split('\n').filter(Boolean).every((line) => line.includes('tick'))).toBe(true);
  });

  it('once the daemon is gone, reads PM2_HOME/logs by pm2\'s naming and starts no daemon', async () => {
    await killPm2(home, started.map((p) => p.pid));
    expect(daemonPid(home)).toBeUndefined();
    const result = await logs('cluster', ['--level', 'error', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const records = result.stdout.split('\n').map((line) => JSON.parse(line) as { msg?: string; message?: string });
    expect(records.filter((r) => r.msg === 'request failed')).toHaveLength(2);
    expect(records.filter((r) => r.message?.startsWith('ERROR plain stderr'))).toHaveLength(2);
    expect(daemonPid(home)).toBeUndefined();
  });
});

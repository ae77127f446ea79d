// The three things issue 20 says must each give exactly one alert and one recovery, watched by the
// built CLI's `monitor --once` rounds (state kept between runs, as a scheduled monitor does):
// an outage of a real local app, an error-rate spike in a real JSON log file, and a backup entry
// installed in the REAL crontab that misses its run (no cron daemon runs it here; the test runs it
// "as cron would", stdout appended to the entry's log, to make it run on time and then recover).
// Alerts go to a capturing command (alerts.command, text on stdin) and to Discord, ntfy and a dead
// Teams URL on a real local receiver.
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, uniqueSuffix, writeConfig } from '../support/real-cli.js';
import { lockRealCrontab } from '../support/real-crontab.js';
import { requireTool } from '../support/real-tools.js';
import { deadUrl, startAppServer, startWebhookReceiver, type AppServer, type WebhookReceiver } from '../support/webhook-receiver.js';

const hasCrontab = requireTool('crontab', () => {
  if (process.platform === 'win32') return 'crontab is a POSIX tool';
  if (spawnSync('pgrep', ['-x', 'cron']).status === 0) return 'a cron daemon runs here and would run the entry on time, so it cannot be made to miss';
  const result = spawnSync('crontab', ['-l'], { encoding: 'utf8' });
  return result.error ? `crontab cannot run: ${result.error.message}` : undefined;
});

const CAPTURE = `import { appendFileSync } from 'node:fs';
let text = '';
process.stdin.on('data', (c) => (text += c));
process.stdin.on('end', () => appendFileSync(process.argv[2], JSON.stringify(text) + '\\n'));
`;

describe.skipIf(!hasCrontab)('monitor: an outage, an error-rate spike and a missed backup', () => {
  let server: AppServer;
  let hooks: WebhookReceiver;
  let dir: string;
  let schedule: string;
  let unlock: (() => void) | undefined;
  const logFile = () => path.join(dir, 'app.log');
  const captured = () => readFileSync(path.join(dir, 'alerts.txt'), 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as string);
  const cli = (...args: string[]) => runCli(args, { cwd: dir, env: cleanEnv(), timeoutMs: 60_000 });
  const round = async (only: string) => {
    const result = await cli('monitor', '--once', '--json', '--only', only);
    expect([0, 1, 3], result.stderr).toContain(result.exitCode);
    return parseJson(result.stdout);
  };
  const requests = (status: number, n: number) => {
    const now = Date.now();
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ time: now - i, level: status >= 500 ? 50 : 30, msg: 'request', req: { status } }));
    appendFileSync(logFile(), `${lines.join('\n')}\n`);
  };
  /** The entry's command as cron starts it: in the config's folder, stdout and stderr appended to its log. */
  const runAsCron = () => {
    const out = openSync(path.join(dir, 'state', 'logs', `${schedule}.log`), 'a');
    const result = spawnSync(process.execPath, [CLI_BIN, 'backup', '-e', 'prod', '-c', path.join(dir, 'opsctl.yaml')], { cwd: dir, env: cleanEnv(), stdio: ['ignore', out, out], timeout: 60_000 });
    closeSync(out);
    expect(result.status).toBe(0);
  };

  beforeAll(async () => {
    unlock = await lockRealCrontab();
    await ensureBuilt();
    [server, hooks] = await Promise.all([startAppServer(), startWebhookReceiver()]);
    dir = makeTempDir('watches');
    schedule = `h20-missed-${uniqueSuffix()}`.slice(0, 60);
    writeFileSync(path.join(dir, 'capture.mjs'), CAPTURE);
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'data', 'orders.csv'), 'id,total\n1,10\n');
    writeFileSync(logFile(), '');
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: {
        prod: {
          stateDir: 'state',
          target: { pm2: { script: 'app.js' } },
          health: { host: false, retries: 1, timeout: '2s', endpoints: [{ name: 'api', url: server.healthUrl }] },
          logs: { files: ['app.log'], pm2: false },
          backup: { dir: 'backups', files: ['data'] },
          alerts: {
            command: [process.execPath, path.join(dir, 'capture.mjs'), path.join(dir, 'alerts.txt')],
            discord: hooks.url('/api/webhooks/123/discord-token-h20'),
            ntfy: hooks.url('/shop-alerts'),
            teams: await deadUrl('/workflows/teams-token-h20'),
            rules: [{ name: 'error-rate', ratio: { of: 'req.status >= 500', over: 'all' }, window: '15s', warn: 0.01, crit: 0.05 }],
            schedules: { grace: '1s' },
          },
        },
      },
    });
    const installed = await cli('schedule', 'backup', '--cron', '* * * * *', '--name', schedule, '-e', 'prod');
    expect(installed.exitCode, installed.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    if (dir) await cli('schedule', 'remove', schedule);
    unlock?.();
    await Promise.all([server?.close(), hooks?.close()]);
    removeTempDirs();
  });

  it('each gives exactly one alert and one recovery, on every channel that works', async () => {
    // The entry fires every minute: its first check must come before the next minute (and the grace) has passed.
    while (new Date().getSeconds() > 35) await new Promise((resolve) => setTimeout(resolve, 1000));
    runAsCron();
    expect((await round('schedules')).alerts).toEqual([]);
    expect((await round('api,error-rate')).alerts).toEqual([]);

    // Rounds of the app and the logs, while the entry's next minute comes and goes.
    server.setMode('down');
    expect((await round('api,error-rate')).alerts[0].events).toMatchObject([{ kind: 'down', probe: 'api' }]);
    server.setMode('healthy');
    expect((await round('api,error-rate')).alerts[0].events).toMatchObject([{ kind: 'recovered', probe: 'api' }]);

    requests(200, 100);
    requests(500, 20);
    const spike = (await round('api,error-rate')).alerts[0];
    expect(spike.events).toMatchObject([{ kind: 'down', probe: 'error-rate' }]);
    expect(spike.text).toMatch(/DOWN error-rate: 16\.67% of 120 records \(20\) match req\.status >= 500 in 15s, critical above 5%/);

    // The spike leaves the window; fresh traffic is all 200s.
    await new Promise((resolve) => setTimeout(resolve, 16_000));
    requests(200, 50);
    expect((await round('api,error-rate')).alerts[0].events).toMatchObject([{ kind: 'recovered', probe: 'error-rate' }]);

    // No cron daemon starts the entry: once its next minute and the grace have passed, it missed.
    const lastRun = JSON.parse(readFileSync(path.join(dir, 'state', 'history.jsonl'), 'utf8').trim().split('\n').filter((l) => l.includes('scheduled-run')).pop()!);
    const owed = Math.ceil((Date.parse(lastRun.startedAt) + 1) / 60_000) * 60_000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, owed + 2_000 - Date.now())));
    const missed = (await round('schedules')).alerts[0];
    expect(missed.events).toMatchObject([{ kind: 'down', probe: `schedule:${schedule}` }]);
    expect(missed.text).toContain('missed its run due');

    const listed = parseJson((await cli('schedule', 'list', '--json')).stdout);
    expect(listed.runs[schedule]).toMatchObject({ lastResult: 'success', exitCode: 0 });
    runAsCron();
    expect((await round('schedules')).alerts[0].events).toMatchObject([{ kind: 'recovered', probe: `schedule:${schedule}` }]);

    const kinds = captured().map((text) => /(DOWN|RECOVERED) (.+?)(?:: | after )/.exec(text)!.slice(1).join(' '));
    expect(kinds).toEqual(['DOWN api', 'RECOVERED api', 'DOWN error-rate', 'RECOVERED error-rate', `DOWN schedule:${schedule}`, `RECOVERED schedule:${schedule}`]);
    const discord = hooks.requests().filter((r) => r.path.includes('discord'));
    expect(discord).toHaveLength(6);
    expect(discord[0]!.body).toEqual({ content: expect.stringMatching(/^\[shop prod\] 🔴 DOWN api: /) });
    const ntfy = hooks.requests().filter((r) => r.path === '/');
    expect(ntfy).toHaveLength(6);
    expect(ntfy[0]!.body).toMatchObject({ topic: 'shop-alerts', message: expect.stringContaining('DOWN api'), priority: 4 });
  }, 240_000);

  it('the dead Teams channel never stopped the rounds: its alerts wait in the state file, and no token was printed', () => {
    const state = JSON.parse(readFileSync(path.join(dir, 'state', 'monitor-prod.json'), 'utf8'));
    expect(state.pending['alerts.teams'].length).toBeGreaterThanOrEqual(6);
    expect(JSON.stringify(state)).not.toContain('discord-token-h20');
  });
});

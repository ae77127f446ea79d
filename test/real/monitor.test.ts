// `opsctl monitor` end to end: the built CLI probes a real local app server and posts alerts to a real
// local webhook receiver. The webhook URL comes through the environment and its path holds a fake token
// that must never be printed.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, startCli, waitFor, writeConfig, type CliResult } from '../support/real-cli.js';
import { requireTool } from '../support/real-tools.js';
import { deadUrl, startAppServer, startWebhookReceiver, type AppServer, type WebhookReceiver } from '../support/webhook-receiver.js';

// Windows has no graceful SIGINT/SIGTERM for a child: a long-running monitor can only be stopped there by killing it.
const hasSignals = requireTool('posix-signals');

const TOKEN = 'T0FAKE/B0FAKE/xoxb-monitor-test-token-7Q9';
const HOOK_PATH = `/services/${TOKEN}`;
const ROUND = /^\S+ (healthy|degraded|unknown|unhealthy): \d+ probes? in \d+ ms/;

const closers: (() => Promise<void>)[] = [];

beforeAll(ensureBuilt);
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
afterAll(removeTempDirs);

async function app(options?: Parameters<typeof startAppServer>[0]): Promise<AppServer> {
  const server = await startAppServer(options);
  closers.push(server.close);
  return server;
}

async function receiver(): Promise<WebhookReceiver> {
  const server = await startWebhookReceiver();
  closers.push(server.close);
  return server;
}

interface Setup {
  dir: string;
  env: Record<string, string | undefined>;
  stateFile: string;
}

/** A temp folder with opsctl.yaml watching app's health endpoint, and the environment passing the webhook URL. */
function setup(server: AppServer, webhookUrl: string, options: { alerts?: Record<string, unknown>; endpoint?: Record<string, unknown> } = {}): Setup {
  const dir = makeTempDir('monitor');
  writeConfig(dir, {
    version: 1,
    app: 'shop',
    environments: {
      prod: {
        stateDir: 'state',
        target: { pm2: { script: 'app.js' } },
        health: { host: false, retries: 1, timeout: '2s', endpoints: [{ name: 'api', url: server.healthUrl, ...options.endpoint }] },
        alerts: { webhook: '${ALERT_WEBHOOK_URL}', ...options.alerts },
      },
    },
  });
  return { dir, env: cleanEnv({ ALERT_WEBHOOK_URL: webhookUrl }), stateFile: path.join(dir, 'state', 'monitor-prod.json') };
}

function expectNoToken(result: { stdout: string; stderr: string }): void {
  expect(result.stdout).not.toContain('xoxb-monitor-test-token');
  expect(result.stderr).not.toContain('xoxb-monitor-test-token');
  expect(result.stderr).not.toContain('B0FAKE');
}

/** A monitor running in the background, with its stderr read as it comes. */
function startMonitor(s: Setup, args: string[]) {
  const cli = startCli(['monitor', '--interval', '300ms', ...args], { cwd: s.dir, env: s.env, timeoutMs: 90_000 });
  let stderr = '';
  cli.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = () => stderr.split('\n');
  const rounds = (state?: string) => lines().filter((line) => ROUND.exec(line) && (!state || ROUND.exec(line)![1] === state)).length;
  return {
    cli,
    stderr: () => stderr,
    rounds,
    waitForRounds: (state: string, n: number) => waitFor(`${n} ${state} round(s) of the monitor`, () => rounds(state) >= n, 30_000, 50),
    waitForLine: (text: string, count = 1) => waitFor(`${count} stderr line(s) with "${text}"`, () => lines().filter((l) => l.includes(text)).length >= count, 30_000, 50),
    async stop(signal: 'SIGTERM' | 'SIGINT' = 'SIGTERM'): Promise<CliResult & { stoppedInMs: number }> {
      const sent = Date.now();
      cli.kill(signal);
      const result = await cli;
      return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr), durationMs: 0, stoppedInMs: Date.now() - sent };
    },
  };
}

/** Timestamp (ms) of the first stderr line containing text. */
function stampOf(stderr: string, text: string): number {
  const line = stderr.split('\n').find((l) => l.includes(text));
  if (!line) throw new Error(`no stderr line with "${text}" in:\n${stderr}`);
  return Date.parse(line.split(' ')[0]!);
}

const kinds = (alerts: string[]) => alerts.map((text) => /(STILL DOWN|DOWN|DEGRADED|RECOVERED)/.exec(text)?.[1] ?? text);

describe.skipIf(!hasSignals)('a scripted outage while the monitor runs', () => {
  it('an outage of 5+ rounds gives exactly one DOWN and one RECOVERED alert that says how long it lasted', async () => {
    const server = await app();
    const hooks = await receiver();
    const s = setup(server, hooks.url(HOOK_PATH));
    const monitor = startMonitor(s, []);
    await monitor.waitForRounds('healthy', 3);
    server.setMode('down');
    await monitor.waitForRounds('unhealthy', 6);
    server.setMode('healthy');
    await hooks.waitForAlerts(2);
    const healthyBefore = monitor.rounds('healthy');
    await monitor.waitForRounds('healthy', healthyBefore + 3);
    const result = await monitor.stop();

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Monitor stopped after \d+ rounds; 2 alerts\./);
    expect(kinds(hooks.alerts())).toEqual(['DOWN', 'RECOVERED']);
    const [down, recovered] = hooks.alerts() as [string, string];
    expect(down).toMatch(/^\[shop prod\] \S+ DOWN api: HTTP 503, expected 2xx$/);
    // Slack-compatible: a JSON body of exactly {"text": ...}, each delivered at the first attempt.
    for (const request of hooks.requests()) {
      expect(request).toMatchObject({ method: 'POST', path: HOOK_PATH, status: 200 });
      expect(request.headers['content-type']).toContain('application/json');
      expect(Object.keys(request.body as object)).toEqual(['text']);
    }
    expect(hooks.requests()).toHaveLength(2);

    // The outage as the monitor's own log saw it, from the first unhealthy round to the recovery.
    const outageMs = stampOf(result.stderr, 'RECOVERED api') - stampOf(result.stderr, ' unhealthy: 1 probe');
    const said = /^\[shop prod\] \S+ RECOVERED api after (\d+(?:\.\d)?)s$/.exec(recovered);
    expect(said, recovered).not.toBeNull();
    expect(Number(said![1]) * 1000).toBeGreaterThanOrEqual(1000);
    expect(Math.abs(Number(said![1]) * 1000 - outageMs)).toBeLessThanOrEqual(1000);

    // Printed too, one line per change, never one per round.
    expect(result.stderr.split('\n').filter((l) => l.includes('ALERT '))).toHaveLength(2);
    expect(result.stderr).toMatch(/ALERT \S+ DOWN api: HTTP 503/);
    expect(result.stderr).toMatch(/ALERT \S+ RECOVERED api after \d/);
    expectNoToken(result);
  });

  it('with alerts.reminder: 1s a long outage repeats STILL DOWN about every second; without it, none', async () => {
    const server = await app({ mode: 'down' });
    const [withHooks, withoutHooks] = [await receiver(), await receiver()];
    const withReminder = startMonitor(setup(server, withHooks.url(HOOK_PATH), { alerts: { reminder: '1s' } }), []);
    const without = startMonitor(setup(server, withoutHooks.url(HOOK_PATH)), []);
    await waitFor('two STILL DOWN reminders', () => kinds(withHooks.alerts()).filter((k) => k === 'STILL DOWN').length >= 2, 30_000, 50);
    await without.waitForRounds('unhealthy', 8);
    server.setMode('healthy');
    await withHooks.waitForAlerts(4);
    await waitFor('the recovery of the monitor without reminders', () => withoutHooks.alerts().length >= 2, 30_000, 50);
    const [a, b] = await Promise.all([withReminder.stop(), without.stop()]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);

    const sequence = kinds(withHooks.alerts());
    expect(sequence[0]).toBe('DOWN');
    expect(sequence.at(-1)).toBe('RECOVERED');
    expect(sequence.slice(1, -1).every((k) => k === 'STILL DOWN')).toBe(true);
    expect(sequence.length).toBeGreaterThanOrEqual(4);
    expect(withHooks.alerts()[1]).toMatch(/STILL DOWN api for \d+(\.\d)?s: HTTP 503, expected 2xx$/);
    // Spaced by the reminder (1 s, less delivery jitter), not sent every round (300 ms).
    const times = withHooks.requests().map((r) => r.at);
    for (let i = 1; i < times.length - 1; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(700);

    expect(kinds(withoutHooks.alerts())).toEqual(['DOWN', 'RECOVERED']);
    expect(without.rounds('unhealthy')).toBeGreaterThanOrEqual(8);
    expectNoToken(a);
    expectNoToken(b);
  });
});

describe.skipIf(!hasSignals)('stopping a running monitor', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} stops it between rounds with exit 0 and "Monitor stopped", state saved`, async () => {
      const server = await app();
      const hooks = await receiver();
      const s = setup(server, hooks.url(HOOK_PATH));
      const monitor = startMonitor(s, []);
      await monitor.waitForRounds('healthy', 2);
      const result = await monitor.stop(signal);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stoppedInMs).toBeLessThan(3000);
      expect(result.stderr).toMatch(/Monitor stopped after \d+ rounds; 0 alerts\./);
      expect(result.stderr).not.toContain('Interrupted');
      expect(JSON.parse(readFileSync(s.stateFile, 'utf8'))).toMatchObject({ environment: 'prod', probes: { api: { state: 'healthy' } } });
      expect(hooks.requests()).toHaveLength(0);
    });
  }

  it('SIGTERM while an alert waits to be retried stops at once, without a "not delivered" warning', async () => {
    const server = await app({ mode: 'down' });
    const hooks = await receiver();
    hooks.failNext(100);
    const monitor = startMonitor(setup(server, hooks.url(HOOK_PATH)), []);
    await waitFor('the first, failed delivery', () => hooks.requests().length >= 1, 30_000, 50);
    const result = await monitor.stop('SIGTERM');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stoppedInMs).toBeLessThan(3000);
    expect(result.stderr).toContain('Monitor stopped');
    expect(result.stderr).not.toContain('alert not delivered');
    expect(hooks.requests()).toHaveLength(1);
  });
});

describe('monitor --once (cron)', () => {
  it('exits with health-check codes: 0 healthy, 3 degraded (warnMs exceeded), 1 unhealthy', async () => {
    const server = await app({ slowMs: 400 });
    const hooks = await receiver();
    const s = setup(server, hooks.url(HOOK_PATH), { endpoint: { warnMs: 150 } });
    const run = () => runCli(['monitor', '--once'], { cwd: s.dir, env: s.env });

    const healthy = await run();
    expect(healthy.exitCode, healthy.stderr).toBe(0);
    expect(healthy.stdout).toMatch(/prod: healthy \(1 round, 0 alerts\)/);
    server.setMode('slow');
    const degraded = await run();
    expect(degraded.exitCode, degraded.stderr).toBe(3);
    expect(degraded.stderr).toMatch(/ALERT \S+ DEGRADED api: slow: \d+ ms \(warning above 150 ms\)/);
    server.setMode('down');
    const unhealthy = await run();
    expect(unhealthy.exitCode, unhealthy.stderr).toBe(1);
    expect(unhealthy.stderr).toMatch(/ALERT \S+ DOWN api: HTTP 503, expected 2xx \(was degraded for \d/);
    expect(kinds(hooks.alerts())).toEqual(['DEGRADED', 'DOWN']);
    // One round, no loop chatter.
    for (const result of [healthy, degraded, unhealthy]) {
      expect(result.stderr).not.toContain('Monitoring prod');
      expect(result.stderr).not.toContain('Monitor stopped');
      expectNoToken(result);
    }
  });

  it('a restart does not re-alert: state in <stateDir>/monitor-<env>.json carries the outage across runs', async () => {
    const server = await app({ mode: 'down' });
    const hooks = await receiver();
    const s = setup(server, hooks.url(HOOK_PATH));
    const run = () => runCli(['monitor', '--once'], { cwd: s.dir, env: s.env });

    const first = await run();
    expect(first.exitCode, first.stderr).toBe(1);
    expect(kinds(hooks.alerts())).toEqual(['DOWN']);
    const saved = JSON.parse(readFileSync(s.stateFile, 'utf8'));
    expect(saved).toMatchObject({ version: 1, environment: 'prod', probes: { api: { state: 'unhealthy', reason: 'HTTP 503, expected 2xx' } } });

    const second = await run();
    expect(second.exitCode, second.stderr).toBe(1);
    expect(second.stderr).not.toContain('ALERT');
    expect(hooks.alerts()).toHaveLength(1);
    // The outage still dates from the first run.
    expect(JSON.parse(readFileSync(s.stateFile, 'utf8')).probes.api.problemSince).toBe(saved.probes.api.problemSince);

    server.setMode('healthy');
    const third = await run();
    expect(third.exitCode, third.stderr).toBe(0);
    expect(kinds(hooks.alerts())).toEqual(['DOWN', 'RECOVERED']);
    expect(hooks.alerts()[1]).toMatch(/RECOVERED api after \d+(\.\d)?s$/);
    expect(JSON.parse(readFileSync(s.stateFile, 'utf8')).probes.api.state).toBe('healthy');
    for (const result of [first, second, third]) expectNoToken(result);
  });

  it('an alert the webhook refused is offered again with the next round, once, until it is taken', async () => {
    const server = await app({ mode: 'down' });
    const hooks = await receiver();
    const s = setup(server, hooks.url(HOOK_PATH));
    const run = () => runCli(['monitor', '--once'], { cwd: s.dir, env: s.env });

    hooks.failNext(3, 503);
    const first = await run();
    expect(first.stderr).toContain('alert not delivered to alerts.webhook after 3 attempts (HTTP 503)');
    expect(hooks.alerts()).toEqual([]);
    expect(JSON.parse(readFileSync(s.stateFile, 'utf8')).undelivered).toHaveLength(1);

    // Still down: no new alert, but the refused one goes out now (a single attempt), saying it is late.
    const second = await run();
    expect(second.stderr).not.toContain('ALERT');
    expect(hooks.alerts()).toHaveLength(1);
    expect(hooks.alerts()[0]).toMatch(/DOWN api: HTTP 503[\s\S]*1 earlier alert could not be delivered when it was raised/);
    expect(JSON.parse(readFileSync(s.stateFile, 'utf8')).undelivered).toBeUndefined();

    const third = await run();
    expect(hooks.alerts()).toHaveLength(1);
    for (const result of [first, second, third]) expectNoToken(result);
  });

  it('--json --once prints one JSON document with the round and its alerts[]', async () => {
    const server = await app({ mode: 'down' });
    const hooks = await receiver();
    const s = setup(server, hooks.url(HOOK_PATH));
    const result = await runCli(['monitor', '--once', '--json'], { cwd: s.dir, env: s.env });
    expect(result.exitCode, result.stderr).toBe(1);
    const doc = parseJson(result.stdout);
    expect(realpathSync(doc.stateFile)).toBe(realpathSync(s.stateFile));
    expect(doc).toMatchObject({ environment: 'prod', rounds: 1, state: 'unhealthy', last: { state: 'unhealthy', probes: [{ name: 'api', state: 'unhealthy' }] } });
    expect(doc.alerts).toHaveLength(1);
    expect(doc.alerts[0]).toMatchObject({ delivered: true, events: [{ kind: 'down', probe: 'api', from: 'healthy', to: 'unhealthy' }] });
    expect(doc.alerts[0].text).toBe(hooks.alerts()[0]);
    expectNoToken(result);
  });
});

describe('a webhook that fails never stops monitoring', () => {
  it('a dead webhook (closed port): the round still completes, exits with the health code, warns "alert not delivered"', async () => {
    const server = await app({ mode: 'down' });
    const s = setup(server, await deadUrl(HOOK_PATH));
    const result = await runCli(['monitor', '--once', '--json'], { cwd: s.dir, env: s.env });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/alert not delivered to alerts\.webhook after 3 attempts \(ECONNREFUSED\); it is sent again with the next round, and monitoring goes on/);
    expect(parseJson(result.stdout).alerts[0]).toMatchObject({ delivered: false, error: 'ECONNREFUSED' });
    expect(existsSync(s.stateFile)).toBe(true);
    expectNoToken(result);
  });

  it('HTTP 500: 3 attempts spaced by the 1s, 3s backoff, then the warning; 500 twice then 200: delivered at the third', async () => {
    const server = await app({ mode: 'down' });
    const [failing, flaky] = [await receiver(), await receiver()];
    failing.failNext(100);
    flaky.failNext(2);
    const [a, b] = [setup(server, failing.url(HOOK_PATH)), setup(server, flaky.url(HOOK_PATH))];
    const [failed, recovered] = await Promise.all([
      runCli(['monitor', '--once', '--json'], { cwd: a.dir, env: a.env }),
      runCli(['monitor', '--once', '--json'], { cwd: b.dir, env: b.env }),
    ]);

    expect(failed.exitCode, failed.stderr).toBe(1);
    expect(failing.requests().map((r) => r.status)).toEqual([500, 500, 500]);
    const t = failing.requests().map((r) => r.at);
    expect(t[1]! - t[0]!).toBeGreaterThanOrEqual(900);
    expect(t[2]! - t[1]!).toBeGreaterThanOrEqual(2900);
    expect(failed.stderr).toContain('alert not delivered to alerts.webhook after 3 attempts (HTTP 500)');
    expect(parseJson(failed.stdout).alerts[0]).toMatchObject({ delivered: false, error: 'HTTP 500' });

    expect(recovered.exitCode, recovered.stderr).toBe(1);
    expect(flaky.requests().map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(flaky.requests().map((r) => r.raw)).size).toBe(1);
    expect(recovered.stderr).not.toContain('alert not delivered');
    expect(parseJson(recovered.stdout).alerts[0].delivered).toBe(true);
    expectNoToken(failed);
    expectNoToken(recovered);
  });

  it.skipIf(!hasSignals)('a webhook that dies mid-run: the recovery is not delivered, and the next outage is still detected', async () => {
    const server = await app();
    const hooks = await receiver();
    const monitor = startMonitor(setup(server, hooks.url(HOOK_PATH)), []);
    await monitor.waitForRounds('healthy', 1);
    server.setMode('down');
    await hooks.waitForAlerts(1);
    await hooks.die();
    server.setMode('healthy');
    await monitor.waitForLine('alert not delivered');
    const roundsAfterWarning = monitor.rounds();
    await waitFor('two more rounds after the failed delivery', () => monitor.rounds() >= roundsAfterWarning + 2, 30_000, 50);
    server.setMode('down');
    await monitor.waitForLine('DOWN api', 2);
    const result = await monitor.stop();

    expect(result.exitCode, result.stderr).toBe(0);
    expect(kinds(hooks.alerts())).toEqual(['DOWN']);
    expect(result.stderr).toMatch(/alert not delivered to alerts\.webhook after 3 attempts \(ECONNREFUSED\); it is sent again with the next round, and monitoring goes on/);
    expect(result.stderr.split('\n').filter((l) => l.includes('ALERT ')).map((l) => kinds([l])[0])).toEqual(['DOWN', 'RECOVERED', 'DOWN']);
    expectNoToken(result);
  });
});

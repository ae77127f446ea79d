// health-check end to end: the built CLI probing real local HTTP(S) servers, and the host it runs on.
import { statfsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServers, makeSelfSignedCert, startHttpServer, startHttpsServer, type TestServer } from '../support/http-servers.js';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, REPO_ROOT, removeTempDirs, runCli, writeConfig, type CliResult } from '../support/real-cli.js';
import { requireTool } from '../support/real-tools.js';

const hasOpenssl = requireTool('openssl');

interface Probe {
  name: string;
  kind: string;
  target: string;
  state: string;
  value?: number;
  unit?: string;
  reason: string;
  details?: Record<string, any>;
  attempts: number;
  durationMs: number;
}

interface Report {
  environment: string;
  state: string;
  checkedAt: string;
  durationMs: number;
  probes: Probe[];
}

/** An environment whose health section is `health` (host probes off unless it says otherwise). */
function writeHealthConfig(health: Record<string, unknown>): string {
  const dir = makeTempDir('health');
  writeConfig(dir, { version: 1, app: 'shop', environments: { local: { target: { pm2: { script: 'app.js' } }, health: { host: false, ...health } } } });
  return dir;
}

async function healthCheck(health: Record<string, unknown>, args: string[] = []): Promise<{ result: CliResult; report: Report; probe: (name: string) => Probe }> {
  const dir = writeHealthConfig(health);
  const result = await runCli(['health-check', '--json', ...args], { cwd: dir, env: cleanEnv(), timeoutMs: 30_000 });
  // --json: stdout is exactly one document (JSON.parse refuses anything around it).
  const report = parseJson<Report>(result.stdout);
  const probe = (name: string) => {
    const found = report.probes.find((p) => p.name === name);
    if (!found) throw new Error(`no probe ${name} in ${result.stdout}`);
    return found;
  };
  return { result, report, probe };
}

beforeAll(ensureBuilt);
afterAll(async () => {
  await closeServers();
  removeTempDirs();
});

describe('health-check over HTTP against a real local server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startHttpServer();
  });

  it('exits 0 when every endpoint answers 2xx with the expected JSON, dot paths and nested form alike', async () => {
    const { result, report, probe } = await healthCheck({
      endpoints: [
        { name: 'api', url: server.url('/ok'), expect: { status: 200, json: { status: 'ok', 'checks.database.status': 'up' } } },
        { name: 'nested', url: server.url('/ok'), expect: { json: { checks: { database: { status: 'up' }, cache: { status: 'up' } } } } },
        { name: 'items', url: server.url('/ok'), expect: { json: { 'items.1.status': 'down', version: '1.4.2' }, body: '"cache"' } },
      ],
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(Object.keys(report).sort()).toEqual(['checkedAt', 'durationMs', 'environment', 'probes', 'state']);
    expect(report).toMatchObject({ environment: 'local', state: 'healthy' });
    expect(report.probes.map((p) => p.name)).toEqual(['api', 'nested', 'items']);
    const api = probe('api');
    expect(api).toMatchObject({ kind: 'http', target: server.url('/ok'), state: 'healthy', unit: 'ms', attempts: 1, details: { status: 200 } });
    expect(api.reason).toMatch(/^HTTP 200 in \d+ ms$/);
    expect(api.value).toBeGreaterThanOrEqual(0);
    for (const p of report.probes) expect(Object.keys(p)).toEqual(expect.arrayContaining(['name', 'kind', 'target', 'state', 'value', 'unit', 'reason', 'attempts']));
  });

  it('the human table names every probe and the overall state, with no colour codes under NO_COLOR', async () => {
    const dir = writeHealthConfig({ endpoints: [{ name: 'api', url: server.url('/ok') }, { name: 'web', url: server.url('/ok') }] });
    const result = await runCli(['health-check'], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode, result.stderr).toBe(0);
    for (const name of ['api', 'web']) expect(result.stdout).toMatch(new RegExp(`${name}\\s.*http.*healthy.*HTTP 200 in`));
    expect(result.stdout).toMatch(/local: healthy \(2 healthy; \d+ ms\)/);
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  it('exits 3 when one endpoint is slower than warnMs and the others are healthy', async () => {
    const { result, report, probe } = await healthCheck({
      endpoints: [
        { name: 'api', url: server.url('/ok') },
        { name: 'slow', url: server.url('/slow/600'), warnMs: 300, critMs: 20_000 },
      ],
    });
    expect(result.exitCode, result.stderr).toBe(3);
    expect(report.state).toBe('degraded');
    expect(probe('api').state).toBe('healthy');
    const slow = probe('slow');
    expect(slow.state).toBe('degraded');
    expect(slow.value).toBeGreaterThanOrEqual(590);
    expect(slow.reason).toMatch(/^slow: \d+ ms \(warning above 300 ms\)$/);
  });

  it('exits 1 when an endpoint is over critMs, even beside a degraded one', async () => {
    const { result, report, probe } = await healthCheck({
      retries: 1,
      endpoints: [
        { name: 'warned', url: server.url('/slow/600'), warnMs: 300, critMs: 20_000 },
        { name: 'critical', url: server.url('/slow/600'), warnMs: 100, critMs: 300 },
      ],
    });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(report.state).toBe('unhealthy');
    expect(probe('warned').state).toBe('degraded');
    expect(probe('critical')).toMatchObject({ state: 'unhealthy', attempts: 1 });
    expect(probe('critical').reason).toMatch(/^slow: \d+ ms \(critical above 300 ms\)$/);
  });

  it('exits 1 on HTTP 503 and names the status', async () => {
    const { result, probe } = await healthCheck({ retries: 1, endpoints: [{ name: 'api', url: server.url('/ok') }, { name: 'down', url: server.url('/fail') }] });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(probe('down')).toMatchObject({ state: 'unhealthy', reason: 'HTTP 503, expected 2xx', details: { status: 503 }, attempts: 1 });
    expect(probe('api').state).toBe('healthy');
  });

  it('exits 1 when nothing listens on the port, saying the connection was refused', async () => {
    const gone = await startHttpServer();
    const url = gone.url('/ok');
    await gone.close();
    const { result, probe } = await healthCheck({ retries: 1, endpoints: [{ name: 'api', url }] });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(probe('api')).toMatchObject({ state: 'unhealthy', reason: 'connection refused', attempts: 1 });
    expect(probe('api').value).toBeUndefined();
  });

  it('an expected status other than 2xx is honoured both ways', async () => {
    const { result, probe } = await healthCheck({
      retries: 1,
      endpoints: [
        { name: 'maintenance', url: server.url('/fail'), expect: { status: [200, 503] } },
        { name: 'created', url: server.url('/ok'), expect: { status: 201 } },
      ],
    });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(probe('maintenance').state).toBe('healthy');
    expect(probe('created')).toMatchObject({ state: 'unhealthy', reason: 'HTTP 200, expected 201' });
  });

  it('exits 1 when expect.json fails, by dot path, nested form or a missing path, and says what it got', async () => {
    const { result, report, probe } = await healthCheck({
      retries: 1,
      endpoints: [
        { name: 'dotted', url: server.url('/db-down'), expect: { json: { 'checks.database.status': 'up' } } },
        { name: 'nested', url: server.url('/db-down'), expect: { json: { checks: { database: { status: 'up' } } } } },
        { name: 'missing', url: server.url('/ok'), expect: { json: { 'checks.queue.status': 'up' } } },
      ],
    });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(report.state).toBe('unhealthy');
    expect(probe('dotted').reason).toBe('checks.database.status is "down", expected "up"');
    expect(probe('nested').reason).toBe('checks.database.status is "down", expected "up"');
    expect(probe('missing').reason).toBe('checks.queue.status is missing, expected "up"');
    for (const p of report.probes) expect(p.details?.status).toBe(200);
  });

  describe('application/health+json bodies', () => {
    it('pass is healthy (exit 0) and its checks are kept in details', async () => {
      const { result, probe } = await healthCheck({ endpoints: [{ name: 'api', url: server.url('/health/pass') }] });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(probe('api').state).toBe('healthy');
      expect(probe('api').details?.checks).toEqual([{ name: 'db:responseTime main', status: 'pass', observedValue: 3, observedUnit: 'ms' }]);
    });

    it('warn is degraded (exit 3), naming the warning check and its observed value', async () => {
      const { result, probe } = await healthCheck({ endpoints: [{ name: 'api', url: server.url('/health/warn') }] });
      expect(result.exitCode, result.stderr).toBe(3);
      expect(probe('api').state).toBe('degraded');
      expect(probe('api').reason).toBe('status warn (disk:utilization warn 81 percent)');
    });

    it('fail is unhealthy (exit 1), naming the failing check and its output, not the passing one', async () => {
      const { result, probe } = await healthCheck({ retries: 1, endpoints: [{ name: 'api', url: server.url('/health/fail') }] });
      expect(result.exitCode, result.stderr).toBe(1);
      expect(probe('api').state).toBe('unhealthy');
      expect(probe('api').reason).toBe('status fail (db:connections main fail: connection refused)');
      expect(probe('api').reason).not.toContain('cache:ping');
    });
  });

  it('a hanging endpoint with timeout 1s and retries 1 is unhealthy within about the timeout', async () => {
    const { result, report, probe } = await healthCheck({
      endpoints: [
        { name: 'hang', url: server.url('/hang'), timeout: '1s', retries: 1 },
        { name: 'half', url: server.url('/hang-body'), timeout: '1s', retries: 1 },
        { name: 'api', url: server.url('/ok') },
      ],
    });
    expect(result.exitCode, result.stderr).toBe(1);
    for (const name of ['hang', 'half']) {
      const p = probe(name);
      expect(p).toMatchObject({ state: 'unhealthy', attempts: 1 });
      expect(p.reason).toMatch(/^no response within 1(\.0)?s$/);
      expect(p.durationMs).toBeGreaterThanOrEqual(950);
      expect(p.durationMs).toBeLessThan(5000);
    }
    expect(probe('api').state).toBe('healthy');
    // The server never answers: only the probe's timeout ends the command.
    expect(report.durationMs).toBeLessThan(5000);
    expect(result.durationMs).toBeLessThan(15_000);
  });

  describe('retries', () => {
    it('a server that fails the first 2 requests is healthy with retries 3, after 3 attempts', async () => {
      const route = '/flaky/three/2';
      const { result, probe } = await healthCheck({ endpoints: [{ name: 'flaky', url: server.url(route), retries: 3 }] });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(probe('flaky')).toMatchObject({ state: 'healthy', attempts: 3 });
      expect(server.hits(route)).toBe(3);
    });

    it('the same server is unhealthy with retries 1, after one request', async () => {
      const route = '/flaky/one/2';
      const { result, probe } = await healthCheck({ endpoints: [{ name: 'flaky', url: server.url(route), retries: 1 }] });
      expect(result.exitCode, result.stderr).toBe(1);
      expect(probe('flaky')).toMatchObject({ state: 'unhealthy', attempts: 1, reason: 'HTTP 503, expected 2xx' });
      expect(server.hits(route)).toBe(1);
    });

    it('health.retries applies to every endpoint, and giving up says how many attempts were made', async () => {
      const route = '/flaky/many/10';
      const { result, probe } = await healthCheck({ retries: 3, endpoints: [{ name: 'flaky', url: server.url(route) }] });
      expect(result.exitCode, result.stderr).toBe(1);
      expect(probe('flaky')).toMatchObject({ state: 'unhealthy', attempts: 3, reason: 'HTTP 503, expected 2xx (3 attempts)' });
      expect(server.hits(route)).toBe(3);
    });
  });

  it('probes run concurrently: 5 endpoints of 700 ms take far less than 5 x 700 ms', async () => {
    const endpoints = [1, 2, 3, 4, 5].map((n) => ({ name: `slow${n}`, url: server.url('/slow/700') }));
    const { result, report } = await healthCheck({ endpoints });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report.probes).toHaveLength(5);
    for (const p of report.probes) expect(p.value).toBeGreaterThanOrEqual(690);
    expect(report.durationMs).toBeLessThan(2 * 700);
  });

  it('never prints the password of an endpoint URL', async () => {
    const secretUrl = server.url('/ok').replace('://', '://monitor:Hunter2-s3cret@');
    const dir = writeHealthConfig({ endpoints: [{ name: 'api', url: secretUrl }] });
    for (const args of [['health-check', '--json'], ['health-check'], ['health-check', '--verbose']]) {
      const result = await runCli(args, { cwd: dir, env: cleanEnv() });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout + result.stderr).not.toContain('Hunter2-s3cret');
    }
    const { probe } = await healthCheck({ endpoints: [{ name: 'api', url: secretUrl }] });
    expect(probe('api').target).toBe(server.url('/ok').replace('://', '://monitor:***@'));
  });

  describe('--only', () => {
    let dir: string;
    let tmp: string;
    beforeAll(() => {
      tmp = makeTempDir('only-disk');
      dir = writeHealthConfig({
        endpoints: [
          { name: 'api', url: server.url('/ok') },
          { name: 'web', url: server.url('/fail') },
        ],
        // Thresholds no disk can cross: the host probe is healthy on any machine.
        host: { disk: { warn: 100, crit: 100, paths: [tmp] }, memory: { warn: 100, crit: 100 }, load: false },
      });
    });
    const only = async (value: string) => {
      const result = await runCli(['health-check', '--json', '--only', value], { cwd: dir, env: cleanEnv() });
      return { result, report: result.exitCode === 2 ? undefined : parseJson<Report>(result.stdout) };
    };

    it('a name runs that probe alone', async () => {
      const { result, report } = await only('api');
      expect(result.exitCode, result.stderr).toBe(0);
      expect(report!.probes.map((p) => p.name)).toEqual(['api']);
    });

    it('the group words pick endpoints or the host; "disk" picks every disk path', async () => {
      const endpoints = await only('endpoints');
      expect(endpoints.result.exitCode).toBe(1);
      expect(endpoints.report!.probes.map((p) => p.name)).toEqual(['api', 'web']);
      const host = await only('host');
      expect(host.result.exitCode, host.result.stderr).toBe(0);
      expect(host.report!.probes.map((p) => p.name)).toEqual([`disk:${tmp}`, 'memory']);
      const disk = await only('disk,api');
      expect(disk.result.exitCode, disk.result.stderr).toBe(0);
      expect(disk.report!.probes.map((p) => p.name).sort()).toEqual(['api', `disk:${tmp}`].sort());
    });

    it('an unknown name exits 2 and lists the probes there are', async () => {
      const result = await runCli(['health-check', '--only', 'api,nope'], { cwd: dir, env: cleanEnv() });
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('--only: no probe named "nope"');
      expect(result.stderr).toContain(`api, web, disk:${tmp}, memory`);
      const json = await runCli(['health-check', '--json', '--only', 'nope'], { cwd: dir, env: cleanEnv() });
      expect(json.exitCode).toBe(2);
      expect(parseJson(json.stdout)).toMatchObject({ error: { code: 'usage', exitCode: 2 } });
    });
  });
});

describe.skipIf(!hasOpenssl)('health-check over HTTPS with self-signed certificates (openssl)', () => {
  let short: TestServer;
  let long: TestServer;
  let shortCert: string;
  let longCert: string;
  beforeAll(async () => {
    const certs = makeTempDir('certs');
    const tenDays = makeSelfSignedCert(certs, 10);
    const yearAndMore = makeSelfSignedCert(certs, 400);
    shortCert = tenDays.certFile;
    longCert = yearAndMore.certFile;
    short = await startHttpsServer(tenDays);
    long = await startHttpsServer(yearAndMore);
  });

  it('without ca the self-signed endpoint is unhealthy with a TLS reason', async () => {
    const { result, probe } = await healthCheck({ retries: 1, endpoints: [{ name: 'tls', url: long.url('/ok') }] });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(probe('tls').state).toBe('unhealthy');
    expect(probe('tls').reason).toMatch(/^TLS: .*self[- ]signed/i);
  });

  it('with the certificate as ca, 10 days left is degraded (exit 3) and says when it expires', async () => {
    const { result, probe } = await healthCheck({ endpoints: [{ name: 'tls', url: short.url('/ok'), ca: shortCert }] });
    expect(result.exitCode, result.stderr).toBe(3);
    const tls = probe('tls');
    expect(tls.state).toBe('degraded');
    expect(tls.details?.certDaysLeft).toBeGreaterThanOrEqual(9);
    expect(tls.details?.certDaysLeft).toBeLessThanOrEqual(10);
    expect(tls.reason).toMatch(new RegExp(`^certificate expires in ${tls.details?.certDaysLeft} days \\(\\d{4}-\\d{2}-\\d{2}\\)$`));
    expect(Date.parse(tls.details?.certValidTo)).toBeGreaterThan(Date.now() + 9 * 86_400_000);
  });

  it('certWarnDays below the days left makes the same certificate healthy', async () => {
    const { result, probe } = await healthCheck({ endpoints: [{ name: 'tls', url: short.url('/ok'), ca: shortCert, certWarnDays: 5 }] });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(probe('tls').state).toBe('healthy');
  });

  it('400 days left is healthy (exit 0)', async () => {
    const { result, probe } = await healthCheck({ endpoints: [{ name: 'tls', url: long.url('/ok'), ca: longCert, expect: { json: { status: 'ok' } } }] });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(probe('tls').state).toBe('healthy');
    expect(probe('tls').details?.certDaysLeft).toBeGreaterThanOrEqual(399);
  });

  it('a ca that did not sign the server certificate is unhealthy', async () => {
    const { result, probe } = await healthCheck({ retries: 1, endpoints: [{ name: 'tls', url: short.url('/ok'), ca: longCert }] });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(probe('tls').reason).toMatch(/^TLS: /);
  });

  it('a ca file that does not exist is a config error (exit 2)', async () => {
    const dir = writeHealthConfig({ endpoints: [{ name: 'tls', url: long.url('/ok'), ca: 'no-such-ca.pem' }] });
    const result = await runCli(['health-check'], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('health.endpoints[0].ca: cannot read');
  });
});

/** Used percent of the filesystem holding dir, as df counts it; a nearly empty tmpfs would round to 0. */
function usedPercent(dir: string): number {
  const fs = statfsSync(dir);
  const used = fs.blocks - fs.bfree;
  return (used / (used + fs.bavail)) * 100;
}

describe('health-check of the host', () => {
  it('disk with warn 0 is degraded (exit 3): any usage warns', async () => {
    const tmp = makeTempDir('disk');
    const dir = usedPercent(tmp) >= 0.1 ? tmp : REPO_ROOT;
    const { result, report, probe } = await healthCheck({ host: { disk: { warn: 0, crit: 100, paths: [dir] }, memory: false, load: false } });
    expect(result.exitCode, result.stderr).toBe(3);
    expect(report.probes.map((p) => p.name)).toEqual([`disk:${dir}`]);
    const disk = probe(`disk:${dir}`);
    expect(disk).toMatchObject({ kind: 'disk', target: dir, state: 'degraded', unit: '%', attempts: 1 });
    expect(disk.value).toBeGreaterThan(0);
    expect(disk.value).toBeLessThanOrEqual(100);
    expect(Math.abs(disk.value! - usedPercent(dir))).toBeLessThan(2);
    expect(disk.reason).toMatch(/^\d+(\.\d)?% used, .+ free \(warning above 0%\)$/);
  });

  it('memory with warn 0 and crit 0 is unhealthy (exit 1)', async () => {
    const { result, probe } = await healthCheck({ host: { disk: false, memory: { warn: 0, crit: 0 }, load: false } });
    expect(result.exitCode, result.stderr).toBe(1);
    const memory = probe('memory');
    expect(memory).toMatchObject({ kind: 'memory', state: 'unhealthy', unit: '%' });
    expect(memory.value).toBeGreaterThan(0);
    expect(memory.reason).toContain('(critical above 0%)');
  });

  it('load under huge thresholds is healthy (exit 0)', async () => {
    const { result, report, probe } = await healthCheck({ host: { disk: false, memory: false, load: { warn: 1000, crit: 1000 } } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report.probes.map((p) => p.name)).toEqual(['load']);
    expect(probe('load')).toMatchObject({ kind: 'load', state: 'healthy' });
    if (process.platform !== 'win32') {
      expect(probe('load').unit).toBe('per core');
      expect(probe('load').value).toBeGreaterThanOrEqual(0);
    }
  });

  it('no probes at all is a usage error (exit 2)', async () => {
    const dir = writeHealthConfig({});
    const result = await runCli(['health-check'], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('has no probes');
  });
});

// health-check against real local servers for every probe kind of issue 20: an authenticated admin
// endpoint, a CORS preflight, security headers, a POST smoke test, a JSON figure, a body saying
// "degraded", maikai's older health+json form, a /metrics page of the real prom-client, a TCP echo
// server and Debian's dnsmasq on a loopback high port. The admin token comes from the environment
// and must never be printed, in any output mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { requireTool } from '../support/real-tools.js';
import { startDnsmasq, startEchoServer, startProbeApp, type ProbeApp } from '../support/probe-servers.js';
import { spawnSync } from 'node:child_process';

const TOKEN = 'adm1n-T0KEN-h20-probes-5up3r-s3cret';

const hasDnsmasq = requireTool('dnsmasq', () => (spawnSync('dnsmasq', ['--version']).status === 0 ? undefined : 'dnsmasq is not installed (apt-get install -y dnsmasq-base)'));

describe.skipIf(!hasDnsmasq)('health-check with every probe kind against real local servers', () => {
  let app: ProbeApp;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let dns: Awaited<ReturnType<typeof startDnsmasq>>;
  let dir: string;
  const env = cleanEnv({ ADMIN_TOKEN: TOKEN });
  const check = (...args: string[]) => runCli(['health-check', ...args], { cwd: dir, env });

  beforeAll(async () => {
    await ensureBuilt();
    [app, echo, dns] = await Promise.all([startProbeApp(TOKEN), startEchoServer(), startDnsmasq('10.20.30.40')]);
    dir = makeTempDir('probes');
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: {
        prod: {
          target: { pm2: { script: 'app.js' } },
          health: {
            host: false,
            retries: 1,
            timeout: '3s',
            endpoints: [
              { name: 'admin', url: `${app.origin}/admin/health`, headers: { Authorization: 'Bearer ${ADMIN_TOKEN}' } },
              { name: 'admin-anonymous', url: `${app.origin}/admin/health` },
              { name: 'cors', url: `${app.origin}/api/orders`, method: 'OPTIONS', headers: { Origin: 'https://shop.example.com', 'Access-Control-Request-Method': 'POST' }, expect: { status: 204, headers: { 'Access-Control-Allow-Origin': 'https://shop.example.com', 'Access-Control-Allow-Methods': { match: 'post' } } } },
              { name: 'hsts', url: `${app.origin}/`, method: 'HEAD', expect: { headers: { 'Strict-Transport-Security': { match: 'max-age=\\d+' }, 'X-Frame-Options': true, 'Content-Security-Policy': true } } },
              { name: 'smoke', url: `${app.origin}/api/orders`, method: 'POST', body: '{"sku":"A-1","qty":2}', expect: { status: 201, json: { 'created.sku': 'A-1', 'created.qty': { min: 1 } } } },
              { name: 'cache', url: `${app.origin}/stats`, expect: { json: { 'cache.hit_rate': { min: 0.9, degradedBelow: 0.95 } } } },
              { name: 'status', url: `${app.origin}/status`, statusMap: { degraded: ['degraded'], unhealthy: ['down'] } },
              { name: 'maikai', url: `${app.origin}/maikai` },
            ],
            metrics: [{ name: 'metrics', url: `${app.origin}/metrics`, series: { 'cache_hit_rate{cache="pages"}': { warn: 0.9, crit: 0.8, below: true } } }],
            tcp: [
              { name: 'echo', port: echo.port, send: 'PING\n', expect: 'PONG PING' },
              { name: 'echo-wrong', port: echo.port, send: 'PING\n', expect: 'HELLO', timeout: '1s' },
            ],
            dns: [
              { name: 'dns', host: 'app.test', server: `127.0.0.1:${dns.port}`, expect: '10.20.30.40' },
              { name: 'dns-moved', host: 'app.test', server: `127.0.0.1:${dns.port}`, expect: '10.9.9.9' },
            ],
          },
        },
      },
    });
  });

  afterAll(async () => {
    await Promise.all([app?.close(), echo?.close(), dns?.close()]);
    removeTempDirs();
  });

  const byName = (stdout: string) => Object.fromEntries(parseJson(stdout).probes.map((p: { name: string }) => [p.name, p]));

  it('judges each probe as the manuals check it, and names what is wrong', async () => {
    const result = await check('--json');
    const probes = byName(result.stdout);
    expect(probes.admin).toMatchObject({ state: 'healthy', kind: 'http' });
    expect(probes['admin-anonymous']).toMatchObject({ state: 'unhealthy', reason: 'HTTP 401, expected 2xx' });
    expect(probes.cors).toMatchObject({ state: 'healthy' });
    expect(probes.hsts).toMatchObject({ state: 'unhealthy', reason: 'header Content-Security-Policy is missing' });
    expect(probes.smoke).toMatchObject({ state: 'healthy' });
    expect(probes.cache).toMatchObject({ state: 'healthy' });
    expect(probes.status).toMatchObject({ state: 'healthy' });
    expect(probes.maikai).toMatchObject({ state: 'degraded', reason: 'status warn (redis:responseTime warn 950 ms)' });
    expect(probes.metrics).toMatchObject({ state: 'healthy', kind: 'metrics', details: { series: { 'cache_hit_rate{cache="pages"}': [0.97] } } });
    expect(probes.echo).toMatchObject({ state: 'healthy', kind: 'tcp' });
    expect(probes['echo-wrong']).toMatchObject({ state: 'unhealthy', reason: 'no "HELLO" within 1.0s' });
    expect(probes.dns).toMatchObject({ state: 'healthy', kind: 'dns', details: { addresses: ['10.20.30.40'] } });
    expect(probes['dns-moved']).toMatchObject({ state: 'unhealthy', reason: 'resolves to 10.20.30.40, expected 10.9.9.9' });
    expect(result.exitCode).toBe(1);
  });

  it('a falling hit rate degrades, then fails, the JSON and the metrics probes; a body saying degraded degrades', async () => {
    app.set({ hitRate: 0.92, status: 'degraded' });
    let probes = byName((await check('--json', '--only', 'cache,metrics,status')).stdout);
    expect(probes.cache).toMatchObject({ state: 'degraded', reason: 'cache.hit_rate is 0.92, below 0.95' });
    expect(probes.status).toMatchObject({ state: 'degraded', reason: 'status says "degraded"' });
    expect(probes.metrics).toMatchObject({ state: 'healthy' });
    app.set({ hitRate: 0.7, status: 'down' });
    probes = byName((await check('--json', '--only', 'cache,metrics,status')).stdout);
    expect(probes.cache).toMatchObject({ state: 'unhealthy', reason: 'cache.hit_rate is 0.7, below the minimum 0.9' });
    expect(probes.metrics).toMatchObject({ state: 'unhealthy', reason: 'cache_hit_rate{cache="pages"} 0.7 (critical below 0.8)' });
    expect(probes.status.state).toBe('unhealthy');
    app.set({ hitRate: 0.97, status: 'ok' });
  });

  it('the token from ${ADMIN_TOKEN} is never printed: table, --json, --verbose', async () => {
    for (const args of [[], ['--json'], ['--verbose'], ['--verbose', '--json']]) {
      const result = await check(...args);
      expect(result.stdout + result.stderr).not.toContain(TOKEN);
    }
  });

  it('a dead DNS server and a closed port are down with a reason, not a crash', async () => {
    await dns.close();
    await echo.close();
    const probes = byName((await check('--json', '--only', 'dns,echo')).stdout);
    expect(probes.echo).toMatchObject({ state: 'unhealthy', reason: 'connection refused' });
    expect(probes.dns.state).toBe('unhealthy');
    expect(probes.dns.reason).toMatch(/refused|no answer/);
  });
});

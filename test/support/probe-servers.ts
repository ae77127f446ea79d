/**
 * Real local servers for the probe kinds of issue 20, all on 127.0.0.1: an app with an authenticated
 * admin endpoint, CORS preflight, security headers, a POST smoke test, a JSON figure and a "degraded"
 * body; a /metrics page written by the real prom-client; a TCP echo server; dnsmasq on a high port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import { waitFor } from './real-cli.js';

export interface ProbeApp {
  origin: string;
  /** The figure /stats serves as hit_rate, and what /status says. */
  set(values: { hitRate?: number; status?: string }): void;
  close(): Promise<void>;
}

function listen(server: http.Server | net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function shut(server: http.Server | net.Server): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startProbeApp(token: string): Promise<ProbeApp> {
  let hitRate = 0.97;
  let status = 'ok';
  const registry = new Registry();
  const gauge = new Gauge({ name: 'cache_hit_rate', help: 'Share of cache hits', labelNames: ['cache'], registers: [registry] });
  const server = http.createServer((req, res) => {
    const json = (code: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(code, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', async () => {
      if (req.url === '/admin/health') return req.headers.authorization === `Bearer ${token}` ? json(200, { status: 'ok' }) : json(401, { error: 'unauthorized' });
      if (req.url === '/api/orders' && req.method === 'OPTIONS') {
        const allowed = req.headers.origin === 'https://shop.example.com';
        res.writeHead(204, allowed ? { 'access-control-allow-origin': 'https://shop.example.com', 'access-control-allow-methods': 'GET, POST' } : {});
        return res.end();
      }
      if (req.url === '/api/orders' && req.method === 'POST') return json(201, { created: JSON.parse(body || '{}') });
      if (req.url === '/') return json(200, { page: 'home' }, { 'strict-transport-security': 'max-age=63072000; includeSubDomains', 'x-frame-options': 'DENY' });
      if (req.url === '/stats') return json(200, { cache: { hit_rate: hitRate } });
      if (req.url === '/status') return json(200, { status });
      if (req.url === '/maikai') {
        res.writeHead(200, { 'content-type': 'application/health+json' });
        return res.end(JSON.stringify({ status: 'warn', details: { 'redis:responseTime': { status: 'warn', metricValue: 950, metricUnit: 'ms' } } }));
      }
      if (req.url === '/metrics') {
        gauge.set({ cache: 'pages' }, hitRate);
        res.writeHead(200, { 'content-type': registry.contentType });
        return res.end(await registry.metrics());
      }
      json(404, {});
    });
  });
  const port = await listen(server);
  return {
    origin: `http://127.0.0.1:${port}`,
    set(values) {
      hitRate = values.hitRate ?? hitRate;
      status = values.status ?? status;
    },
    close: () => shut(server),
  };
}

/** Answers "PONG <what was sent>" to every line. */
export async function startEchoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.on('data', (chunk) => socket.write(`PONG ${chunk.toString()}`));
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  return { port, close: () => shut(server) };
}

/** A free TCP port on loopback (closed again at once; dnsmasq binds its UDP and TCP twins). */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  const port = await listen(probe);
  await shut(probe);
  return port;
}

/** Debian's dnsmasq answering app.test with `address` on 127.0.0.1:<port>, nothing else (no resolv.conf, no hosts file). */
export async function startDnsmasq(address: string): Promise<{ port: number; close(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn('dnsmasq', ['--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces', '--listen-address=127.0.0.1', `--port=${port}`, `--address=/app.test/${address}`, '--pid-file', '--user=root', '--log-facility=-'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor(`dnsmasq listening on ${port} (${stderr})`, () => child.exitCode === null && /started, version/.test(stderr), 10_000, 50);
  return {
    port,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Real local HTTP(S) servers for the health-check tests: node:http / node:https on 127.0.0.1, port 0.
 *
 * Routes (one server answers them all; hits are counted per path):
 *   /ok                      200 application/json {"status":"ok","checks":{"database":{"status":"up"}},...}
 *   /db-down                 200 application/json, checks.database.status "down"
 *   /slow/<ms>               the /ok body after <ms> milliseconds
 *   /fail                    503 application/json {"status":"error"}
 *   /hang                    never answers (the connection stays open until the server closes)
 *   /hang-body               headers and half a body, then nothing more
 *   /health/<pass|warn|fail> 200 application/health+json with named checks
 *   /flaky/<key>/<n>         503 for the first <n> requests to that path, 200 after
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface TestServer {
  /** http://127.0.0.1:<port> or https://127.0.0.1:<port> */
  origin: string;
  url(route: string): string;
  /** Requests received on exactly this path (query string excluded). */
  hits(route: string): number;
  close(): Promise<void>;
}

export const OK_BODY = { status: 'ok', version: '1.4.2', checks: { database: { status: 'up' }, cache: { status: 'up' } }, items: [{ status: 'up' }, { status: 'down' }] };

export const HEALTH_JSON = {
  pass: { status: 'pass', checks: { 'db:responseTime': [{ componentId: 'main', status: 'pass', observedValue: 3, observedUnit: 'ms' }] } },
  warn: {
    status: 'warn',
    checks: {
      'db:responseTime': [{ componentId: 'main', status: 'pass', observedValue: 3, observedUnit: 'ms' }],
      'disk:utilization': [{ status: 'warn', observedValue: 81, observedUnit: 'percent' }],
    },
  },
  fail: {
    status: 'fail',
    output: 'database unreachable',
    checks: {
      'db:connections': [{ componentId: 'main', status: 'fail', output: 'connection refused' }],
      'cache:ping': [{ status: 'pass' }],
    },
  },
} as const;

const servers = new Set<TestServer>();

function sendJson(res: http.ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
}

function createHandler(timers: Set<NodeJS.Timeout>, hits: Map<string, number>): http.RequestListener {
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  return (req, res) => {
    const route = new URL(req.url ?? '/', 'http://localhost').pathname;
    const count = (hits.get(route) ?? 0) + 1;
    hits.set(route, count);
    const parts = route.split('/').filter(Boolean);
    if (route === '/ok') return sendJson(res, 200, OK_BODY);
    if (route === '/db-down') return sendJson(res, 200, { ...OK_BODY, checks: { ...OK_BODY.checks, database: { status: 'down' } } });
    if (route === '/fail') return sendJson(res, 503, { status: 'error' });
    if (route === '/hang') return;
    if (route === '/hang-body') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":');
      return;
    }
    if (parts[0] === 'slow' && parts.length === 2) return later(Number(parts[1]), () => sendJson(res, 200, OK_BODY));
    if (parts[0] === 'health' && parts[1] && parts[1] in HEALTH_JSON) {
      return sendJson(res, 200, HEALTH_JSON[parts[1] as keyof typeof HEALTH_JSON], 'application/health+json');
    }
    if (parts[0] === 'flaky' && parts.length === 3) {
      return count <= Number(parts[2]) ? sendJson(res, 503, { status: 'error', attempt: count }) : sendJson(res, 200, { status: 'ok', attempt: count });
    }
    sendJson(res, 404, { error: `no route ${route}` });
  };
}

async function listen(server: http.Server | https.Server, scheme: 'http' | 'https', timers: Set<NodeJS.Timeout>, hits: Map<string, number>): Promise<TestServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `${scheme}://127.0.0.1:${port}`;
  const handle: TestServer = {
    origin,
    url: (route) => `${origin}${route}`,
    hits: (route) => hits.get(route) ?? 0,
    close: async () => {
      servers.delete(handle);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // Hanging requests keep their sockets open: close() alone would wait for them forever.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.add(handle);
  return handle;
}

export function startHttpServer(): Promise<TestServer> {
  const timers = new Set<NodeJS.Timeout>();
  const hits = new Map<string, number>();
  return listen(http.createServer(createHandler(timers, hits)), 'http', timers, hits);
}

export interface SelfSignedCert {
  certFile: string;
  keyFile: string;
  days: number;
}

/** A self-signed certificate for localhost and 127.0.0.1, valid `days` days from now, made by openssl (argv, no shell). */
export function makeSelfSignedCert(dir: string, days: number): SelfSignedCert {
  const certFile = path.join(dir, `cert-${days}d.pem`);
  const keyFile = path.join(dir, `key-${days}d.pem`);
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', String(days), '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile];
  const result = spawnSync('openssl', args, { encoding: 'utf8', timeout: 60_000, windowsHide: true });
  if (result.error || result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.error?.message ?? result.stderr}`);
  return { certFile, keyFile, days };
}

export function startHttpsServer(cert: SelfSignedCert): Promise<TestServer> {
  const timers = new Set<NodeJS.Timeout>();
  const hits = new Map<string, number>();
  const server = https.createServer({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) }, createHandler(timers, hits));
  return listen(server, 'https', timers, hits);
}

/** Closes every server started here that is still open (for afterAll). */
export async function closeServers(): Promise<void> {
  await Promise.all([...servers].map((server) => server.close()));
}

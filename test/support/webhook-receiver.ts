/**
 * Real local HTTP servers for the monitor tests: a Slack-style webhook receiver that records every
 * POST, and an app whose health endpoint can be switched between healthy, 503 and slow.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './real-cli.js';

export interface ReceivedRequest {
  /** Date.now() when the request body was read. */
  at: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
  raw: string;
  /** What the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port><path>; the path is where a real webhook keeps its token. */
  url(path?: string): string;
  /** Every request, whatever was answered (retries included). */
  requests(): ReceivedRequest[];
  /** The `text` of every POST answered 200: the alerts that were delivered. */
  alerts(): string[];
  /** Resolves with the delivered alerts once there are at least n. */
  waitForAlerts(n: number, timeoutMs?: number): Promise<string[]>;
  /** The next n requests are answered with this status (500 by default). */
  failNext(n: number, status?: number): void;
  /** Closes the port: from now on a POST gets "connection refused", as from a dead webhook. */
  die(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function shut(server: http.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  let failures: { left: number; status: number } = { left: 0, status: 500 };
  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req);
    let status = 200;
    if (failures.left > 0) {
      failures.left -= 1;
      status = failures.status;
    }
    received.push({ at: Date.now(), method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: parse(raw), raw, status });
    res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
    res.end(status === 200 ? 'ok' : 'failed');
  });
  const port = await listen(server);
  const alerts = () =>
    received
      .filter((r) => r.method === 'POST' && r.status === 200)
      .map((r) => (r.body as { text?: unknown } | undefined)?.text)
      .filter((text): text is string => typeof text === 'string');
  return {
    url: (urlPath = '/') => `http://127.0.0.1:${port}${urlPath}`,
    requests: () => [...received],
    alerts,
    waitForAlerts: (n, timeoutMs = 20_000) => waitFor(`${n} alert(s) at the webhook receiver`, () => alerts().length >= n && alerts(), timeoutMs, 50),
    failNext: (n, status = 500) => {
      failures = { left: n, status };
    },
    die: () => shut(server),
    close: () => shut(server),
  };
}

/** A URL on 127.0.0.1 whose port was just freed: nothing listens there (a dead webhook). */
export async function deadUrl(urlPath = '/'): Promise<string> {
  const server = http.createServer();
  const port = await listen(server);
  await shut(server);
  return `http://127.0.0.1:${port}${urlPath}`;
}

export type AppMode = 'healthy' | 'down' | 'slow';

export interface AppServer {
  /** The health endpoint: http://127.0.0.1:<port>/health. */
  healthUrl: string;
  mode(): AppMode;
  setMode(mode: AppMode): void;
  /** Requests answered in each mode so far. */
  hits(mode?: AppMode): number;
  close(): Promise<void>;
}

/** healthy: 200 {"status":"ok"} at once; down: 503; slow: 200 after slowMs. */
export async function startAppServer(options: { slowMs?: number; mode?: AppMode } = {}): Promise<AppServer> {
  const slowMs = options.slowMs ?? 400;
  let mode: AppMode = options.mode ?? 'healthy';
  const hits: Record<AppMode, number> = { healthy: 0, down: 0, slow: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const current = mode;
    hits[current] += 1;
    const answer = () => {
      const status = current === 'down' ? 503 : 200;
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ status: current === 'down' ? 'unavailable' : 'ok' }));
    };
    if (current !== 'slow') return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, slowMs);
    timers.add(timer);
  });
  const port = await listen(server);
  return {
    healthUrl: `http://127.0.0.1:${port}/health`,
    mode: () => mode,
    setMode: (next) => {
      mode = next;
    },
    hits: (which) => (which ? hits[which] : hits.healthy + hits.down + hits.slow),
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      return shut(server);
    },
  };
}

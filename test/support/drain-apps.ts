/** Apps and clients for the drain tests: servers run by a real node with the drain preload, keep-alive clients. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { REPO_ROOT, waitFor } from './real-cli.js';

export const DRAIN_PRELOAD = path.join(REPO_ROOT, 'preload', 'drain.cjs');

/** A plain server with no signal handling; `/slow` answers after 400 ms. Prints its port once listening. */
export const PLAIN_APP = `const http = require('node:http');
const server = http.createServer((req, res) => {
  const answer = () => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(String(process.pid)); };
  if (req.url === '/slow') setTimeout(answer, 400); else answer();
});
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => console.log('port=' + server.address().port));
`;

/** The same app as an ES module importing createServer by name. */
export const ESM_APP = `import { createServer } from 'node:http';
const server = createServer((req, res) => res.end(String(process.pid)));
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => console.log('port=' + server.address().port));
`;

/** An app draining on SIGINT as pm2's docs ask: close the server, exit 0 from the callback. */
export const OWN_HANDLER_APP = `${PLAIN_APP}
process.on('SIGINT', () => server.close(() => { console.log('closed'); process.exit(0); }));
`;

export interface RunningApp {
  child: ChildProcess;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `source` (written to dir/name) with node, with or without the preload, and waits until it listens. */
export async function runApp(dir: string, name: string, source: string, options: { preload: boolean; graceMs?: number }): Promise<RunningApp> {
  const file = path.join(dir, name);
  writeFileSync(file, source);
  const args = [...(options.preload ? ['--require', DRAIN_PRELOAD] : []), file];
  const env = { ...process.env, ...(options.graceMs ? { OPSCTL_DRAIN_GRACE_MS: String(options.graceMs) } : {}) };
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const port = await waitFor(`${name} listening`, () => Number(/port=(\d+)/.exec(out)?.[1]) || undefined, 20_000, 50);
  return { child, port, exited };
}

export interface Answer {
  status: number;
  connection: string | undefined;
  reused: boolean;
}

/** One GET through `agent` (keep-alive, one socket): the status, the Connection header and whether the socket was reused. */
export function get(agent: http.Agent, port: number, urlPath = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, reused: req.reusedSocket }));
    });
    req.on('error', reject);
  });
}

export const keepAliveAgent = () => new http.Agent({ keepAlive: true, maxSockets: 1 });

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

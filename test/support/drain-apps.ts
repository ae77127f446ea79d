/** Apps and clients for the drain tests: servers run by a real node with the drain preload, keep-alive clients. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
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

export interface KeepAliveLoad {
  requests: number;
  /** Failed requests by cause: the undici/socket error code (UND_ERR_SOCKET, ECONNRESET...) or `HTTP <status>`. */
  failures: Record<string, number>;
  /** Bodies seen, in order of arrival (the version served). */
  bodies: Set<string>;
}

export const failedCount = (load: KeepAliveLoad) => Object.values(load.failures).reduce((n, c) => n + c, 0);

/** `clients` loops of fetch (undici: kept-alive connections, as nginx upstream keepalive or a browser), until stopped. */
export function startKeepAliveLoad(port: number, clients = 4): { stop: () => Promise<KeepAliveLoad> } {
  const load: KeepAliveLoad = { requests: 0, failures: {}, bodies: new Set() };
  let stopped = false;
  const fail = (cause: string) => (load.failures[cause] = (load.failures[cause] ?? 0) + 1);
  const loop = async () => {
    while (!stopped) {
      load.requests += 1;
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) });
        const body = await response.text();
        if (response.ok) load.bodies.add(body.trim().split(' ')[0]!);
        else fail(`HTTP ${response.status}`);
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        fail(cause?.code ?? cause?.message ?? (error as Error).message);
      }
      // A short pause: kept-alive connections sit idle now and then (what a drain must not break), and the
      // clients leave CPU to pm2 on a shared machine.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const running = Array.from({ length: clients }, loop);
  return { stop: async () => ((stopped = true), await Promise.all(running), load) };
}

/** Each release answers "<version> <pid> <its execArgv as JSON>"; plain.cjs has no signal handling, esm.mjs is an ES module, own.cjs drains on SIGINT itself. */
const RELEASE_APPS = {
  'plain.cjs': `const version = require('node:fs').readFileSync(require('node:path').join(__dirname, 'VERSION'), 'utf8').trim();
require('node:http').createServer((req, res) => res.end(version + ' ' + process.pid + ' ' + JSON.stringify(process.execArgv))).listen(Number(process.env.PORT), '127.0.0.1');
`,
  'esm.mjs': `import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
const version = readFileSync(new URL('./VERSION', import.meta.url), 'utf8').trim();
createServer((req, res) => res.end(version + ' ' + process.pid + ' ' + JSON.stringify(process.execArgv))).listen(Number(process.env.PORT), '127.0.0.1');
`,
  'own.cjs': `const version = require('node:fs').readFileSync(require('node:path').join(__dirname, 'VERSION'), 'utf8').trim();
const server = require('node:http').createServer((req, res) => res.end(version + ' ' + process.pid + ' ' + JSON.stringify(process.execArgv))).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGINT', () => server.close(() => process.exit(0)));
`,
};

export type DrainAppFile = keyof typeof RELEASE_APPS;

/** A real git repo (app in app/) with commits v1 and v2 of every drain app; returns their shas. */
export function makeDrainRepo(repo: string): string[] {
  const app = path.join(repo, 'app');
  mkdirSync(app, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  return ['v1', 'v2'].map((version) => {
    writeFileSync(path.join(app, 'VERSION'), `${version}\n`);
    for (const [file, source] of Object.entries(RELEASE_APPS)) writeFileSync(path.join(app, file), source);
    git('add', '-A');
    git('commit', '-q', '-m', version);
    return git('rev-parse', 'HEAD');
  });
}

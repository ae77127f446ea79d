/** A real pm2 daemon per test file: its own PM2_HOME in a temp folder, killed at the end by pm2 and then by pid. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { cleanEnv, isAlive, REPO_ROOT, waitFor } from './real-cli.js';
import { PM2_BIN } from './real-tools.js';

export interface Pm2Process {
  name: string;
  pid: number;
  pm_id: number;
  pm2_env: { status: string; exec_mode: string };
}

/** Runs pm2 (its JS entry with this node) against one PM2_HOME; any pm2 call starts that home's daemon. */
export async function pm2(home: string, args: string[]): Promise<string> {
  const result = await execa(process.execPath, [PM2_BIN, ...args], { env: cleanEnv({ PM2_HOME: home }), extendEnv: false, stdin: 'ignore', timeout: 60_000 });
  return result.stdout;
}

export async function jlist(home: string): Promise<Pm2Process[]> {
  const out = await pm2(home, ['jlist']);
  return JSON.parse(out.slice(out.indexOf('['))) as Pm2Process[];
}

/** A tiny HTTP server (CommonJS, so pm2's cluster mode can require it). */
export function writeServerScript(dir: string): string {
  const file = path.join(dir, 'server.cjs');
  writeFileSync(file, "require('node:http').createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');\n");
  return file;
}

/** Starts `script` in cluster mode and waits until every instance is online. */
export async function startClusterApp(home: string, name: string, script: string, instances: number): Promise<Pm2Process[]> {
  await pm2(home, ['start', script, '--name', name, '-i', String(instances)]);
  return waitFor(`${instances} online pm2 instances of ${name}`, async () => {
    const list = (await jlist(home)).filter((p) => p.name === name);
    return list.length === instances && list.every((p) => p.pm2_env.status === 'online' && p.pid > 0) ? list : undefined;
  }, 60_000, 500);
}

export function daemonPid(home: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(home, 'pm2.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** `pm2 kill` for this home, then SIGKILL to the daemon and app pids we know of if they outlived it. */
export async function killPm2(home: string, appPids: readonly number[] = []): Promise<void> {
  const daemon = daemonPid(home);
  if (daemon !== undefined && isAlive(daemon)) {
    await pm2(home, ['kill']).catch(() => undefined);
  }
  for (const pid of [daemon, ...appPids]) {
    if (pid !== undefined && isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone between the check and the kill.
      }
    }
  }
}

/** PATH with this checkout's pm2 first: the CLI runs `pm2` from PATH, as it would for a user who installed it. */
export function pathWithPm2(): string {
  return [path.join(REPO_ROOT, 'node_modules', '.bin'), process.env.PATH].join(path.delimiter);
}

/** The app the deploy tests release: a server printing the version file of its own folder, and the release it was started with. */
const VERSIONED_SERVER = `const fs = require('node:fs');
const path = require('node:path');
const version = fs.readFileSync(path.join(__dirname, 'VERSION'), 'utf8').trim();
const body = () => JSON.stringify({ version, fromCwd: fs.readFileSync('VERSION', 'utf8').trim(), release: process.env.OPSCTL_RELEASE || null, greeting: process.env.GREETING || null, eco: process.env.ECO_ONLY || null, pid: process.pid });
const server = require('node:http').createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(body());
}).listen(Number(process.env.PORT), '127.0.0.1');
// What pm2's docs ask of an app for a graceful reload: on SIGINT, finish what is in flight, then exit. The
// short wait lets a connection the cluster primary was already handing over arrive and be sent to another worker.
process.on('SIGINT', () => server.close(() => setTimeout(() => process.exit(0), 300)));
`;

/** Starts, listens, then dies: pm2 restarts it over and over while saying "online" in between. */
const CRASHING_SERVER = `require('node:http').createServer((req, res) => { res.statusCode = 500; res.end('bad'); }).listen(Number(process.env.PORT), '127.0.0.1');
setTimeout(() => process.exit(3), 300);
`;

// Node realpaths __dirname: an ecosystem reached through a link still names the release folder it was loaded from.
const ECOSYSTEM = (name: string) => `module.exports = { apps: [{ name: '${name}', script: 'server.cjs', cwd: __dirname, env: { ECO_ONLY: 'from-ecosystem' } }] };\n`;

export interface ReleaseRepo {
  repo: string;
  /** The commit of each version, oldest first: v1, v2 (good), v3 (crash-loops, /health 500). */
  shas: string[];
}

/** A real git repo whose app lives in app/ (opsctl.yaml's folder): three commits v1, v2 and a bad v3. */
export async function makeReleaseRepo(repo: string, appName: string): Promise<ReleaseRepo> {
  const git = (args: string[]) => execa('git', ['-C', repo, ...args], { env: cleanEnv({ GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' }), extendEnv: false });
  mkdirSync(path.join(repo, 'app'), { recursive: true });
  await git(['init', '-q', '-b', 'main']);
  const shas: string[] = [];
  for (const version of ['v1', 'v2', 'v3']) {
    writeFileSync(path.join(repo, 'app', 'VERSION'), `${version}\n`);
    writeFileSync(path.join(repo, 'app', 'server.cjs'), version === 'v3' ? CRASHING_SERVER : VERSIONED_SERVER);
    writeFileSync(path.join(repo, 'app', 'ecosystem.config.cjs'), ECOSYSTEM(appName));
    await git(['add', '-A']);
    await git(['commit', '-q', '-m', version]);
    shas.push((await git(['rev-parse', 'HEAD'])).stdout.trim());
  }
  return { repo, shas };
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServedBody {
  version: string;
  fromCwd: string;
  release: string | null;
  greeting: string | null;
  eco: string | null;
  pid: number;
}

export async function getServed(port: number): Promise<ServedBody> {
  const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as ServedBody;
}

/**
 * One request on a connection of its own (as nginx talks to an upstream by default): the load during a
 * reload. A kept-alive connection to a worker that is going away can be closed under a request by any
 * server, so keep-alive failures would measure the client, not the deploy.
 */
export function getOnce(port: number, urlPath = '/'): Promise<ServedBody> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 5000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(text) as ServedBody) : reject(new Error(`HTTP ${response.statusCode}`))));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

export interface LoadResult {
  requests: number;
  failures: string[];
}

/** One request after another (each on its own connection) until stopped: what users see during a switch. */
export function startLoad(port: number, urlPath = '/'): { stop: () => Promise<LoadResult> } {
  const result: LoadResult = { requests: 0, failures: [] };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      result.requests += 1;
      await getOnce(port, urlPath).catch((error: Error) => result.failures.push(error.message));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return result;
    },
  };
}

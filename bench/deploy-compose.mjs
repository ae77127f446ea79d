#!/usr/bin/env node
// bench:deploy-compose — steady HTTP load against a compose service of 2 containers during `opsctl deploy` and
// `opsctl rollback` (releases v1 <-> v2) with `updateOrder: start-first`, for both kinds of Node app (one that
// drains on SIGINT/SIGTERM itself, one with no signal handling; both images load opsctl's drain preload through
// NODE_OPTIONS, as README advises) and both kinds of client (a new connection per request; 4 keep-alive clients).
// Baseline row: the same app deployed stop-first (compose's default) under the keep-alive clients.
// Each deploy runs under the same load through three TCP proxies in this process at once (bench/lib/compose-proxy.mjs):
// a polling one with no connect timeout, a polling one with a 1 s connect timeout that tries the next container, and
// one following `docker events`. All three are reported: what a proxy loses is what its users lose.
// The image is the host's own node binary and its libraries FROM scratch (no registry is needed).
// Goal: 0 failed requests in every start-first row through a proxy that gives up on an unanswered connection
// attempt or follows docker's events. The polling proxy with no connect timeout is reported beside them: an old
// container's address goes silent (its veth is removed) ~0.2 s after docker reports it died, and such a proxy waits
// on it until its client gives up; BENCHMARKS.md ("compose, on an idle machine") has the evidence.
//
//   node bench/deploy-compose.mjs [--rounds 1] [--json] [--verbose] [--only drains,plain,stopFirst]
//   --verbose logs, with the time, each change of a proxy's list and each connection attempt not answered at once.
//
// Everything (projects, images opsctl-bench/compose-<id>) is removed at the end. Exit 0 goal met, 1 missed, 2 could not run.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { freePort, warnIfStale, wholeNumber } from './lib/cli.mjs';
import { addCounts, CLIENT_KINDS, describeCauses, startLoad } from './lib/http-load.mjs';
import { PROXY_KINDS, startComposeProxy } from './lib/compose-proxy.mjs';
import { runOnce, summarize } from './lib/measure.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '1' }, json: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false }, only: { type: 'string' } } });
const rounds = wholeNumber(values, 'rounds', 1);
const id = Math.random().toString(36).slice(2, 8);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'opsctl-bench-compose-'));
const repo = path.join(tmp, 'repo');
const app = path.join(repo, 'app');
const image = `opsctl-bench/compose-${id}`;
const base = `opsctl-bench/node-${id}:base`;
const env = { ...process.env, NO_COLOR: '1' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 }).trim();
const composeArgv = (() => {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
    return ['docker', 'compose'];
  } catch {
    return ['docker-compose'];
  }
})();

const SERVER = `const version = require('node:fs').readFileSync('/app/VERSION', 'utf8').trim();
const server = require('node:http').createServer((req, res) => res.end(version)).listen(8080, '0.0.0.0');
`;
const APPS = {
  drains: { label: 'drains on SIGTERM', source: `${SERVER}process.on('SIGTERM', () => server.close(() => setTimeout(() => process.exit(0), 300)));\n` },
  plain: { label: 'no signal handling', source: SERVER },
};
const ENVIRONMENTS = { drains: ['drains', 'start-first'], plain: ['plain', 'start-first'], stopFirst: ['plain', 'stop-first'] };

/** The host's node and the libraries it links, FROM scratch. */
function buildBase() {
  const root = path.join(tmp, 'base', 'root');
  const libs = execFileSync('ldd', [process.execPath], { encoding: 'utf8' }).split('\n').map((l) => /(\/\S+) \(0x/.exec(l)?.[1]).filter(Boolean);
  for (const file of [process.execPath, ...libs]) {
    mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    copyFileSync(file, path.join(root, file));
  }
  mkdirSync(path.join(root, 'tmp'), { recursive: true });
  writeFileSync(path.join(tmp, 'base', 'Dockerfile'), `FROM scratch\nCOPY root/ /\nENV PATH=${path.dirname(process.execPath)}\n`);
  docker('build', '-q', '-t', base, path.join(tmp, 'base'));
}

/** Two commits (v1, v2) of both apps and a Dockerfile loading the drain preload; opsctl.yaml and the compose file beside them. */
function makeProject(proxyPorts) {
  const git = (...args) => execFileSync('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { encoding: 'utf8' }).trim();
  mkdirSync(app, { recursive: true });
  git('init', '-q', '-b', 'main');
  copyFileSync(path.join(ROOT, 'preload', 'drain.cjs'), path.join(app, 'opsctl-drain.cjs'));
  writeFileSync(path.join(app, 'Dockerfile'), `FROM ${base}\nCOPY . /app/\nENV NODE_OPTIONS="--require /app/opsctl-drain.cjs"\n`);
  const shas = ['v1', 'v2'].map((version) => {
    writeFileSync(path.join(app, 'VERSION'), `${version}\n`);
    for (const [kind, a] of Object.entries(APPS)) writeFileSync(path.join(app, `${kind}.cjs`), a.source);
    git('add', '-A');
    git('commit', '-q', '-m', version);
    return git('rev-parse', 'HEAD');
  });
  const services = Object.fromEntries(Object.keys(APPS).map((kind) => [kind, { image: `${image}:\${OPSCTL_RELEASE}`, command: ['node', `/app/${kind}.cjs`], expose: ['8080'], stop_grace_period: '10s' }]));
  writeFileSync(path.join(app, 'docker-compose.yml'), YAML.stringify({ version: '2.4', services }));
  const environments = Object.fromEntries(Object.entries(ENVIRONMENTS).map(([name, [service, order]]) => [name, {
    stateDir: path.join(tmp, 'state'),
    source: { repo: '..', ref: 'main', build: [`docker build -q -t ${image}:\${OPSCTL_RELEASE} .`] },
    target: { compose: { file: 'docker-compose.yml', project: projectOf(name), service, image, updateOrder: order } },
    deploy: { gate: { passes: 2, interval: '500ms', timeout: '90s', settle: '2s' } },
    health: { endpoints: [{ name: 'web', url: `http://127.0.0.1:${proxyPorts[name]}/` }] },
  }]));
  writeFileSync(path.join(app, 'opsctl.yaml'), YAML.stringify({ version: 1, app: 'bench', environments }));
  return shas;
}

const projectOf = (name) => `opsctlbench${id}${name.toLowerCase()}`;

// --verbose: what the proxies saw, with the wall-clock time, to lay beside `docker events` and `ip monitor neigh`.
const log = values.verbose ? (line) => process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`) : undefined;

/** One deploy or rollback under the same load through every kind of proxy at once: counts per proxy kind. */
async function measure(proxies, client, argv) {
  const loads = proxies.map((p) => [p.kind, startLoad(`http://127.0.0.1:${p.port}/`, client)]);
  await sleep(500);
  log?.(`run ${argv.slice(2).join(' ')}`);
  const started = performance.now();
  const run = await runOnce(argv, { env, cwd: app });
  if (run.code !== 0) throw new Error(`${argv.join(' ')} exited ${run.code}: ${run.stdout.slice(-1500)}`);
  const ms = performance.now() - started;
  log?.(`done ${argv.slice(2).join(' ')}`);
  await sleep(500);
  const counts = {};
  for (const [kind, load] of loads) counts[kind] = { ms, ...(await load.stop()) };
  return counts;
}

const proxies = [];
async function main() {
  warnIfStale(ROOT, 'cli/main.js');
  buildBase();
  const names = Object.keys(ENVIRONMENTS).filter((name) => !values.only || values.only.split(',').includes(name));
  // One proxy of each kind per environment; the health gate goes through the first (the polling one).
  const ports = {};
  for (const name of names) ports[name] = Object.fromEntries(await Promise.all(Object.keys(PROXY_KINDS).map(async (kind) => [kind, await freePort()])));
  const shas = makeProject(Object.fromEntries(Object.entries(ports).map(([name, byKind]) => [name, byKind.poll])));
  const opsctl = (name, ...args) => [process.execPath, path.join(ROOT, 'bin', 'opsctl.js'), ...args, '-e', name, '--json'];
  const rows = [];
  for (const name of names) {
    const [service, order] = ENVIRONMENTS[name];
    const mine = [];
    for (const kind of Object.keys(PROXY_KINDS)) mine.push(await startComposeProxy(kind, { project: projectOf(name), service, port: ports[name][kind], log }));
    proxies.push(...mine);
    const first = await runOnce(opsctl(name, 'deploy', '--ref', shas[0]), { env, cwd: app });
    if (first.code !== 0) throw new Error(`first deploy failed: ${first.stdout.slice(-1500)}`);
    const scaled = await runOnce(opsctl(name, 'scale', '2'), { env, cwd: app });
    if (scaled.code !== 0) throw new Error(`scale to 2 failed: ${scaled.stdout.slice(-1500)}`);
    const clients = order === 'stop-first' ? ['keep-alive'] : Object.keys(CLIENT_KINDS);
    for (const client of clients) {
      const row = { what: `${order}, app ${APPS[service].label}, ${CLIENT_KINDS[client]}`, baseline: order === 'stop-first', deploy: [], rollback: [] };
      for (let round = 0; round < rounds; round += 1) {
        row.deploy.push(await measure(mine, client, opsctl(name, 'deploy', '--force', '--ref', shas[1])));
        row.rollback.push(await measure(mine, client, opsctl(name, 'rollback')));
      }
      rows.push(row);
    }
  }
  return rows;
}

// The proxies the goal is judged on; the naive one is reported, not judged (see the header).
const JUDGED = ['poll+timeout', 'events'];
const failedIn = (r, kinds) => kinds.reduce((n, kind) => n + r.proxies[kind].deploy.failed + r.proxies[kind].rollback.failed, 0);

function report(rows) {
  const sum = (runs) => ({ wall: summarize(runs.map((r) => r.ms)), ...addCounts(runs) });
  const byProxy = (r) => Object.fromEntries(Object.keys(PROXY_KINDS).map((kind) => [kind, { deploy: sum(r.deploy.map((c) => c[kind])), rollback: sum(r.rollback.map((c) => c[kind])) }]));
  const out = { rounds, load: { before: loadBefore, after: os.loadavg().map((l) => Number(l.toFixed(2))), cpus: os.cpus().length }, rows: rows.map((r) => ({ what: r.what, baseline: r.baseline, proxies: byProxy(r) })) };
  if (values.json) return console.log(JSON.stringify(out, null, 2)), out;
  const s = (m) => `${(m.wall.median / 1000).toFixed(1)} s`;
  const f = (m) => `${m.failed}/${m.requests}${m.failed ? ` (${describeCauses(m.causes)})` : ''}`;
  console.log(`compose service of 2 containers under steady HTTP load (4 clients through each of ${Object.keys(PROXY_KINDS).length} proxies at once), ${rounds} round(s); load average ${out.load.before.join(' ')} -> ${out.load.after.join(' ')} on ${out.load.cpus} cpus`);
  for (const r of out.rows) {
    console.log(`  ${r.baseline ? '(baseline) ' : ''}${r.what}`);
    for (const [kind, p] of Object.entries(r.proxies)) console.log(`      ${PROXY_KINDS[kind]}: deploy ${s(p.deploy)}, failed ${f(p.deploy)}; rollback ${s(p.rollback)}, failed ${f(p.rollback)}`);
  }
  for (const kind of Object.keys(PROXY_KINDS)) {
    const missed = out.rows.filter((r) => !r.baseline && failedIn(r, [kind]) > 0);
    console.log(`  ${JUDGED.includes(kind) ? 'goal' : 'not judged'}, ${PROXY_KINDS[kind]}: 0 failed requests in every start-first row: ${missed.length === 0 ? 'met' : `missed in ${missed.length} row(s)`}`);
  }
  return out;
}

function cleanup() {
  for (const proxy of proxies) proxy.close();
  for (const name of Object.keys(ENVIRONMENTS)) {
    try {
      execFileSync(composeArgv[0], [...composeArgv.slice(1), '-p', projectOf(name), '-f', path.join(app, 'docker-compose.yml'), 'down', '--timeout', '1'], { cwd: app, env: { ...env, OPSCTL_RELEASE: 'x' }, stdio: 'ignore', timeout: 120_000 });
    } catch {
      // Never started.
    }
  }
  try {
    const tags = docker('image', 'ls', '--format', '{{.Repository}}:{{.Tag}}').split('\n').filter((t) => t.startsWith(`${image}:`) || t === base);
    if (tags.length > 0) docker('rmi', '--force', ...tags);
  } catch {
    // Nothing was built.
  }
  rmSync(tmp, { recursive: true, force: true });
}

const loadBefore = os.loadavg().map((l) => Number(l.toFixed(2)));
let code = 2;
// SIGTERM too (a `timeout` wrapper): containers and images must not outlive the bench.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => (cleanup(), process.exit(130)));
try {
  const out = report(await main());
  code = out.rows.every((r) => r.baseline || failedIn(r, JUDGED) === 0) ? 0 : 1;
} catch (error) {
  console.error(`bench:deploy-compose could not run: ${error.message}`);
} finally {
  cleanup();
}
process.exit(code);

#!/usr/bin/env node
// bench:deploy-pm2 — steady HTTP load against a 2-instance pm2 cluster during `opsctl deploy` and `opsctl rollback`
// (releases v1 <-> v2), for both kinds of app and both kinds of client (issue 14):
//   apps:    one that drains on SIGINT (server.close, as pm2's docs ask), one with no signal handling at all;
//   clients: a new connection per request (agent: false), and 4 keep-alive clients (fetch/undici).
// opsctl adds its drain preload (preload/drain.cjs) to the app. Baseline rows: a bare `pm2 reload` of the same apps
// started by pm2 without opsctl (no preload), under the keep-alive clients.
// Goal: 0 failed requests in every opsctl row (deploy and rollback). Also reported: wall time, machine load.
//
//   node bench/deploy-pm2.mjs [--rounds 1] [--json]
//
// Runs its own pm2 daemon (PM2_HOME in a temp folder) and kills it by pm2 kill then by pid at the end; everything
// lives in one temp folder, removed at the end. Exit 0 goal met, 1 missed, 2 could not run. Run `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { freePort, warnIfStale, wholeNumber } from './lib/cli.mjs';
import { addCounts, CLIENT_KINDS, describeCauses, startLoad } from './lib/http-load.mjs';
import { runOnce, summarize } from './lib/measure.mjs';
import { pm2Argv } from './lib/pm2-fixture.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '1' }, json: { type: 'boolean', default: false } } });
const rounds = wholeNumber(values, 'rounds', 1);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'opsctl-bench-pm2-'));
const repo = path.join(tmp, 'repo');
const app = path.join(repo, 'app');
const prefix = `opsctl-bench-${Math.random().toString(36).slice(2, 8)}`;
const env = { ...process.env, PM2_HOME: path.join(tmp, 'pm2'), PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pm2 = (...args) => execFileSync(pm2Argv(ROOT)[0], [...pm2Argv(ROOT).slice(1), ...args], { env, stdio: 'ignore', timeout: 120_000 });

const SERVER = `const version = require('node:fs').readFileSync(require('node:path').join(__dirname, 'VERSION'), 'utf8').trim();
const server = require('node:http').createServer((req, res) => res.end(version)).listen(Number(process.env.PORT), '127.0.0.1');
`;
const APPS = {
  drains: { file: 'drains.cjs', label: 'drains on SIGINT', source: `${SERVER}process.on('SIGINT', () => server.close(() => setTimeout(() => process.exit(0), 300)));\n` },
  plain: { file: 'plain.cjs', label: 'no signal handling', source: SERVER },
};

/** Two commits (v1, v2) of both apps in app/, and opsctl.yaml beside them (not committed): one environment per app. */
function makeProject(ports) {
  const git = (...args) => execFileSync('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { encoding: 'utf8' }).trim();
  mkdirSync(app, { recursive: true });
  git('init', '-q', '-b', 'main');
  const shas = ['v1', 'v2'].map((version) => {
    writeFileSync(path.join(app, 'VERSION'), `${version}\n`);
    for (const a of Object.values(APPS)) writeFileSync(path.join(app, a.file), a.source);
    git('add', '-A');
    git('commit', '-q', '-m', version);
    return git('rev-parse', 'HEAD');
  });
  const environments = Object.fromEntries(Object.entries(APPS).map(([kind, a]) => [kind, {
    stateDir: path.join(tmp, 'state'),
    source: { repo: '..', ref: 'main' },
    target: { pm2: { name: `${prefix}-${kind}`, script: a.file, instances: 2, env: { PORT: String(ports[kind]) } } },
    deploy: { gate: { passes: 2, interval: '500ms', timeout: '60s', settle: '2s' } },
    health: { endpoints: [{ name: 'web', url: `http://127.0.0.1:${ports[kind]}/` }] },
  }]));
  writeFileSync(path.join(app, 'opsctl.yaml'), YAML.stringify({ version: 1, app: 'bench', environments }));
  return shas;
}

async function measure(url, client, steps) {
  const load = startLoad(url, client);
  await sleep(500);
  const started = performance.now();
  for (const [argv, options] of steps) {
    const run = await runOnce(argv, { env, cwd: app, ...options });
    if (run.code !== 0) throw new Error(`${argv.join(' ')} exited ${run.code}: ${run.stdout.slice(-1500)}`);
  }
  const ms = performance.now() - started;
  await sleep(500);
  return { ms, ...(await load.stop()) };
}

async function main() {
  warnIfStale(ROOT, 'cli/main.js');
  const ports = { drains: await freePort(), plain: await freePort(), bareDrains: await freePort(), barePlain: await freePort() };
  const shas = makeProject(ports);
  const opsctl = (kind, ...args) => [process.execPath, path.join(ROOT, 'bin', 'opsctl.js'), ...args, '-e', kind, '--json'];
  const rows = [];
  for (const kind of Object.keys(APPS)) {
    const first = await runOnce(opsctl(kind, 'deploy', '--ref', shas[0]), { env, cwd: app });
    if (first.code !== 0) throw new Error(`first deploy failed: ${first.stdout.slice(-1500)}`);
    const url = `http://127.0.0.1:${ports[kind]}/`;
    for (const client of Object.keys(CLIENT_KINDS)) {
      const row = { what: `opsctl, app ${APPS[kind].label}, ${CLIENT_KINDS[client]}`, deploy: [], rollback: [] };
      for (let round = 0; round < rounds; round += 1) {
        row.deploy.push(await measure(url, client, [[opsctl(kind, 'deploy', '--force', '--ref', shas[1])]]));
        row.rollback.push(await measure(url, client, [[opsctl(kind, 'rollback')]]));
      }
      rows.push(row);
    }
  }
  // Baseline: the same apps started by pm2 alone (no preload), each round a bare reload under keep-alive clients.
  for (const kind of Object.keys(APPS)) {
    const port = kind === 'drains' ? ports.bareDrains : ports.barePlain;
    const name = `${prefix}-bare-${kind}`;
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'pm2', 'bin', 'pm2'), 'start', path.join(app, APPS[kind].file), '--name', name, '-i', '2'], { env: { ...env, PORT: String(port) }, stdio: 'ignore' });
    await sleep(2000);
    const row = { what: `bare pm2 reload, app ${APPS[kind].label}, ${CLIENT_KINDS['keep-alive']}`, reload: [] };
    for (let round = 0; round < rounds; round += 1) row.reload.push(await measure(`http://127.0.0.1:${port}/`, 'keep-alive', [[[...pm2Argv(ROOT), 'reload', name]]]));
    rows.push(row);
  }
  return rows;
}

function report(rows) {
  const sum = (runs) => (runs ? { wall: summarize(runs.map((r) => r.ms)), ...addCounts(runs) } : undefined);
  const out = { rounds, load: { before: loadBefore, after: os.loadavg().map((l) => Number(l.toFixed(2))), cpus: os.cpus().length }, rows: rows.map((r) => ({ what: r.what, deploy: sum(r.deploy), rollback: sum(r.rollback), reload: sum(r.reload) })) };
  if (values.json) return console.log(JSON.stringify(out, null, 2)), out;
  const s = (m) => (m ? `${(m.wall.median / 1000).toFixed(1)} s` : '-');
  const f = (m) => (m ? `${m.failed}/${m.requests}${m.failed ? ` (${describeCauses(m.causes)})` : ''}` : '-');
  console.log(`pm2 cluster of 2 under steady HTTP load (4 clients), ${rounds} round(s); load average ${out.load.before.join(' ')} -> ${out.load.after.join(' ')} on ${out.load.cpus} cpus`);
  for (const r of out.rows) {
    if (r.reload) console.log(`  ${r.what}\n      reload ${s(r.reload)}, failed ${f(r.reload)}`);
    else console.log(`  ${r.what}\n      deploy ${s(r.deploy)}, failed ${f(r.deploy)}; rollback ${s(r.rollback)}, failed ${f(r.rollback)}`);
  }
  const missed = out.rows.filter((r) => !r.reload && r.deploy.failed + r.rollback.failed > 0);
  console.log(`  goal: 0 failed requests in every opsctl row: ${missed.length === 0 ? 'met' : `missed in ${missed.length} row(s)`}`);
  return out;
}

function cleanup() {
  try {
    pm2('kill');
  } catch {
    // No daemon was started.
  }
  try {
    const pid = Number(readFileSync(path.join(env.PM2_HOME, 'pm2.pid'), 'utf8'));
    if (pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
  rmSync(tmp, { recursive: true, force: true });
}

const loadBefore = os.loadavg().map((l) => Number(l.toFixed(2)));
let code = 2;
process.on('SIGINT', () => (cleanup(), process.exit(130)));
try {
  const out = report(await main());
  code = out.rows.every((r) => r.reload || r.deploy.failed + r.rollback.failed === 0) ? 0 : 1;
} catch (error) {
  console.error(`bench:deploy-pm2 could not run: ${error.message}`);
} finally {
  cleanup();
}
process.exit(code);

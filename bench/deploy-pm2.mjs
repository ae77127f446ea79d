#!/usr/bin/env node
// bench:deploy-pm2 — steady HTTP load against a 2-instance pm2 cluster during `opsctl deploy` and `opsctl rollback`,
// against the bare commands a deploy runs (git worktree add + pm2 reload). Releases v1 <-> v2 of a small Node server
// that stops gracefully on SIGINT, as pm2's docs ask for zero-downtime reloads.
// Goal (issue #5): no failed request during opsctl's deploy and rollback. Also reported: wall time of each.
//
//   node bench/deploy-pm2.mjs [--rounds 3] [--json]
//
// Runs its own pm2 daemon (PM2_HOME in a temp folder) and kills it by pm2 kill then by pid at the end; everything
// lives in one temp folder, removed at the end. Exit 0 goal met, 1 missed, 2 could not run. Run `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, warnIfStale, wholeNumber } from './lib/cli.mjs';
import { runOnce, summarize } from './lib/measure.mjs';
import { pm2Argv } from './lib/pm2-fixture.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } } });
const rounds = wholeNumber(values, 'rounds', 1);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'opsctl-bench-pm2-'));
const repo = path.join(tmp, 'repo');
const app = path.join(repo, 'app');
const name = `opsctl-bench-${Math.random().toString(36).slice(2, 8)}`;
const env = { ...process.env, PM2_HOME: path.join(tmp, 'pm2'), PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const SERVER = `const fs = require('node:fs');
const version = fs.readFileSync(require('node:path').join(__dirname, 'VERSION'), 'utf8').trim();
const server = require('node:http').createServer((req, res) => res.end(version)).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGINT', () => server.close(() => setTimeout(() => process.exit(0), 300)));
`;

/** Two commits (v1, v2) of the server in app/, and opsctl.yaml beside it (not committed). */
function makeProject(port) {
  const git = (...args) => execFileSync('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { encoding: 'utf8' }).trim();
  mkdirSync(app, { recursive: true });
  git('init', '-q', '-b', 'main');
  const shas = ['v1', 'v2'].map((version) => {
    writeFileSync(path.join(app, 'VERSION'), `${version}\n`);
    writeFileSync(path.join(app, 'server.cjs'), SERVER);
    git('add', '-A');
    git('commit', '-q', '-m', version);
    return git('rev-parse', 'HEAD');
  });
  writeFileSync(path.join(app, 'opsctl.yaml'), `version: 1\napp: bench\nenvironments:\n  bench:\n    stateDir: ${JSON.stringify(path.join(tmp, 'state'))}\n    source: { repo: .., ref: main }\n    target: { pm2: { name: ${name}, script: server.cjs, instances: 2, env: { PORT: "${port}" } } }\n    deploy: { gate: { passes: 2, interval: 500ms, timeout: 30s } }\n    health: { endpoints: [{ name: web, url: "http://127.0.0.1:${port}/" }] }\n`);
  return shas;
}

function getOnce(port) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
  });
}

/** Two clients, one request after another each, every request on its own connection. */
function startLoad(port) {
  let stopped = false;
  const counts = { requests: 0, failures: [] };
  const client = async () => {
    while (!stopped) {
      counts.requests += 1;
      await getOnce(port).catch((error) => counts.failures.push(error.message));
    }
  };
  const clients = [client(), client()];
  return { stop: async () => ((stopped = true), await Promise.all(clients), counts) };
}

async function measure(port, steps) {
  const load = startLoad(port);
  await sleep(500);
  const started = performance.now();
  let stdout = '';
  for (const [argv, options] of steps) {
    const run = await runOnce(argv, { env, cwd: app, ...options });
    if (run.code !== 0) throw new Error(`${argv.join(' ')} exited ${run.code}: ${run.stderr.slice(-800)}`);
    stdout = run.stdout;
  }
  const ms = performance.now() - started;
  await sleep(500);
  return { ms, stdout, ...(await load.stop()) };
}

const stepTimes = (stdout) => Object.fromEntries(JSON.parse(stdout).steps.map((s) => [s.name, s.durationMs]));

async function main() {
  warnIfStale(ROOT, 'cli/main.js');
  const port = await freePort();
  const shas = makeProject(port);
  const opsctl = (...args) => [process.execPath, path.join(ROOT, 'bin', 'opsctl.js'), ...args, '-e', 'bench', '--json'];
  const first = await runOnce(opsctl('deploy', '--ref', shas[0]), { env, cwd: app });
  if (first.code !== 0) throw new Error(`first deploy failed: ${first.stderr.slice(-800)}`);
  const results = { deploy: [], rollback: [], bare: [] };
  for (let round = 0; round < rounds; round += 1) {
    const deployed = await measure(port, [[opsctl('deploy', '--force', '--ref', shas[1])]]);
    results.deploy.push({ ...deployed, steps: stepTimes(deployed.stdout) });
    const back = await measure(port, [[opsctl('rollback')]]);
    results.rollback.push({ ...back, steps: stepTimes(back.stdout) });
    // What a deploy runs at the least: a release folder, then the reload (the link already leads to a release).
    const folder = path.join(tmp, `bare-${round}`);
    results.bare.push(await measure(port, [[['git', '-C', repo, 'worktree', 'add', '-q', '--detach', folder, shas[1]]], [[...pm2Argv(ROOT), 'reload', name, '--update-env']]]));
    execFileSync('git', ['-C', repo, 'worktree', 'remove', '--force', folder]);
  }
  return results;
}

function report(results) {
  const row = (rows) => ({
    wall: summarize(rows.map((r) => r.ms)),
    switch: rows[0]?.steps ? summarize(rows.map((r) => r.steps.switch)) : undefined,
    health: rows[0]?.steps ? summarize(rows.map((r) => r.steps.health)) : undefined,
    requests: rows.reduce((n, r) => n + r.requests, 0),
    failed: rows.reduce((n, r) => n + r.failures.length, 0),
    samples: rows.flatMap((r) => r.failures).slice(0, 5),
  });
  const out = { rounds, deploy: row(results.deploy), rollback: row(results.rollback), bare: row(results.bare) };
  if (values.json) return console.log(JSON.stringify(out, null, 2)), out;
  const s = (ms) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);
  console.log(`pm2 cluster of 2 under steady HTTP load, ${rounds} round(s), medians:`);
  console.log('  what                                  wall      switch    health gate  failed/requests');
  const line = (label, r) => console.log(`  ${label.padEnd(36)}  ${s(r.wall.median).padEnd(8)}  ${s(r.switch?.median).padEnd(8)}  ${s(r.health?.median).padEnd(11)}  ${r.failed}/${r.requests}`);
  line('opsctl deploy (v1 -> v2)', out.deploy);
  line('opsctl rollback (v2 -> v1)', out.rollback);
  line('git worktree add + pm2 reload', out.bare);
  const failed = out.deploy.failed + out.rollback.failed;
  console.log(`  goal: 0 failed requests during opsctl deploy and rollback: ${failed === 0 ? 'met' : `missed (${[...out.deploy.samples, ...out.rollback.samples].join('; ')})`}`);
  return out;
}

function cleanup() {
  try {
    execFileSync(pm2Argv(ROOT)[0], [...pm2Argv(ROOT).slice(1), 'kill'], { env, stdio: 'ignore', timeout: 30_000 });
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

let code = 2;
process.on('SIGINT', () => (cleanup(), process.exit(130)));
try {
  const out = report(await main());
  code = out.deploy.failed + out.rollback.failed === 0 ? 0 : 1;
} catch (error) {
  console.error(`bench:deploy-pm2 could not run: ${error.message}`);
} finally {
  cleanup();
}
process.exit(code);

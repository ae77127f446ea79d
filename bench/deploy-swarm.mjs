#!/usr/bin/env node
// bench:deploy-swarm — steady HTTP load during a swarm start-first update made by `opsctl deploy`, against the
// bare `docker service update` it runs, alternating releases v1 <-> v2 of a FROM-scratch busybox image.
// Goal (issue #5): no failed request during opsctl's update. Also reported: wall time of both.
//
//   node bench/deploy-swarm.mjs [--rounds 3] [--load auto|mesh|dnsrr] [--json]
//
// mesh: requests from this process to the published port (swarm's routing mesh, which needs the kernel's
// IPVS). dnsrr: the service uses endpoint_mode dnsrr on an attachable overlay and a client container on it
// resolves the name before each request (busybox nslookup + nc). auto: mesh when /proc/net/ip_vs exists.
// Takes the real tests' swarm lease, inits a swarm only if the node is in none (and leaves it after);
// removes its stack, images, client and temp folder. Exit 0 goal met, 1 missed, 2 could not run.
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { warnIfStale, wholeNumber } from './lib/cli.mjs';
import { runOnce, summarize } from './lib/measure.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, load: { type: 'string', default: 'auto' }, json: { type: 'boolean', default: false } } });
const rounds = wholeNumber(values, 'rounds', 1);
const load = values.load === 'auto' ? (existsSync('/proc/net/ip_vs') ? 'mesh' : 'dnsrr') : values.load;
const id = Math.random().toString(36).slice(2, 8);
const stack = `opsctlbench${id}`;
const service = `${stack}_web`;
const image = `opsctl-bench/deploy-${id}`;
const port = 20_000 + Math.floor(Math.random() * 30_000);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'opsctl-bench-swarm-'));
const LEASE = path.join(os.tmpdir(), 'opsctl-real-swarm.lease');
const token = `${process.pid} bench-${id}`;
const cleanups = [];

const sh = (file, args, options = {}) => execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }).trim();
const docker = (...args) => sh('docker', args);
const quietly = (fn) => { try { fn(); } catch { /* already gone */ } };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function takeLease() {
  for (const deadline = Date.now() + 900_000; Date.now() < deadline; await sleep(300)) {
    try {
      const fd = openSync(LEASE, 'wx');
      writeSync(fd, token);
      closeSync(fd);
      cleanups.unshift(() => readFileSync(LEASE, 'utf8') === token && rmSync(LEASE));
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(LEASE, 'utf8'), 10);
      if (holder > 0 && !isAlive(holder)) rmSync(LEASE, { force: true });
    }
  }
  throw new Error('the swarm lease stayed taken for 15 minutes');
}

function isAlive(pid) {
  try { return process.kill(pid, 0); } catch (error) { return error.code === 'EPERM'; }
}

function joinSwarm() {
  if (docker('info', '--format', '{{.Swarm.LocalNodeState}}') !== 'inactive') return;
  const hadBridge = docker('network', 'ls', '-q', '--filter', 'name=^docker_gwbridge$') !== '';
  docker('swarm', 'init', '--advertise-addr', '127.0.0.1');
  cleanups.unshift(() => {
    docker('swarm', 'leave', '--force');
    if (!hadBridge) quietly(() => docker('network', 'rm', 'docker_gwbridge'));
  });
}

/** Two commits whose Dockerfile builds a FROM-scratch busybox httpd, then opsctl.yaml and the stack file. */
function makeProject() {
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find(existsSync);
  if (!busybox) throw new Error('needs a static busybox (apt-get install busybox-static)');
  const git = (...args) => sh('git', ['-C', tmp, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args]);
  mkdirSync(path.join(tmp, 'app', 'bin'), { recursive: true });
  mkdirSync(path.join(tmp, 'app', 'www'), { recursive: true });
  copyFileSync(busybox, path.join(tmp, 'app', 'bin', 'busybox'));
  writeFileSync(path.join(tmp, 'Dockerfile'), 'FROM scratch\nCOPY app/ /\nHEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD ["/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]\nCMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]\n');
  writeFileSync(path.join(tmp, '.gitignore'), '.opsctl/\n');
  const deploy = load === 'mesh' ? { replicas: 2 } : { replicas: 2, endpoint_mode: 'dnsrr' };
  const web = { image: `${image}:\${OPSCTL_RELEASE}`, stop_grace_period: '5s', deploy, ...(load === 'mesh' ? { ports: [`${port}:8080`] } : {}) };
  writeFileSync(path.join(tmp, 'stack.yml'), JSON.stringify({ version: '3.8', services: { web }, networks: { default: { driver: 'overlay', attachable: true } } }, null, 2));
  const health = load === 'mesh' ? `{ host: false, endpoints: [{ name: web, url: "http://127.0.0.1:${port}/health" }] }` : '{ host: false }';
  writeFileSync(path.join(tmp, 'opsctl.yaml'), `version: 1\napp: bench\nenvironments:\n  bench:\n    target: { swarm: { stack: ${stack}, service: web, file: stack.yml, image: ${image} } }\n    source: { repo: ., ref: main, build: ["docker build -q -t ${image}:\${OPSCTL_RELEASE} ."] }\n    deploy: { gate: { passes: 2, interval: 1s, timeout: 60s } }\n    health: ${health}\n`);
  git('init', '-q', '-b', 'main');
  return ['1', '2'].map((version) => {
    writeFileSync(path.join(tmp, 'app', 'www', 'health'), `ok ${version}\n`);
    git('add', '-A');
    git('commit', '-q', '-m', `v${version}`);
    return git('rev-parse', 'HEAD');
  });
}

/** Starts the load; stop() resolves with { requests, failures }. */
function startLoad() {
  if (load === 'mesh') {
    let stopped = false;
    const counts = { requests: 0, failures: [] };
    const worker = async () => {
      while (!stopped) {
        counts.requests += 1;
        const reply = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) }).catch((error) => ({ ok: false, status: error.message }));
        if (!reply.ok) counts.failures.push(String(reply.status));
      }
    };
    const workers = [worker(), worker()];
    return { stop: async () => ((stopped = true), await Promise.all(workers), counts) };
  }
  const bb = '/bin/busybox';
  const script = `while true; do ip=$(${bb} nslookup web 127.0.0.11 2>/dev/null | ${bb} awk '/^Address: /{print $2; exit}'); line=$(printf 'GET /health HTTP/1.0\\r\\n\\r\\n' | ${bb} nc -w 2 "$ip" 8080 2>&1 | ${bb} head -1); case "$line" in *" 200 "*) echo ok;; *) echo "fail $ip $line";; esac; done`;
  const client = docker('run', '-d', '--network', `${stack}_default`, '--entrypoint', bb, `${image}:${shas[0]}`, 'sh', '-c', script);
  cleanups.unshift(() => quietly(() => docker('rm', '-f', client)));
  const linesSoFar = () => docker('logs', client).split('\n').filter(Boolean);
  const start = linesSoFar().length;
  return {
    stop: async () => {
      const lines = linesSoFar().slice(start);
      return { requests: lines.length, failures: lines.filter((l) => l !== 'ok') };
    },
  };
}

async function measure(argv, cwd) {
  const loader = startLoad();
  await sleep(1000);
  const run = await runOnce(argv, { cwd });
  await sleep(1000);
  const counts = await loader.stop();
  if (run.code !== 0) throw new Error(`${argv.join(' ')} exited ${run.code}: ${run.stderr.slice(-800)}`);
  return { ms: run.ms, ...counts, stdout: run.stdout };
}

let shas = [];
async function main() {
  warnIfStale(ROOT, 'cli/main.js');
  await takeLease();
  joinSwarm();
  shas = makeProject();
  cleanups.unshift(() => {
    quietly(() => docker('stack', 'rm', stack));
    for (let i = 0; i < 60 && docker('ps', '-a', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`) !== ''; i += 1) execFileSync('sleep', ['0.5']);
    for (let i = 0; i < 20 && docker('network', 'ls', '-q', '--filter', `name=${stack}_default`) !== ''; i += 1) execFileSync('sleep', ['0.5']);
    for (const sha of shas) quietly(() => docker('rmi', '--force', `${image}:${sha}`));
  });
  const opsctl = (...args) => [process.execPath, path.join(ROOT, 'bin', 'opsctl.js'), ...args, '-e', 'bench', '--json'];
  const first = await runOnce(opsctl('deploy', '--ref', shas[0]), { cwd: tmp });
  if (first.code !== 0) throw new Error(`first deploy failed: ${first.stderr.slice(-800)}`);
  const results = { opsctl: [], bare: [] };
  for (let round = 0; round < rounds; round += 1) {
    const deployed = await measure(opsctl('deploy', '--force', '--ref', shas[1]), tmp);
    const steps = Object.fromEntries(JSON.parse(deployed.stdout).steps.map((s) => [s.name, s.durationMs]));
    results.opsctl.push({ ms: deployed.ms, requests: deployed.requests, failures: deployed.failures, switchMs: steps.switch, healthMs: steps.health });
    const bare = await measure(['docker', 'service', 'update', '--image', `${image}:${shas[0]}`, '--update-order', 'start-first', '--no-resolve-image', '--detach=false', '--quiet', service], tmp);
    results.bare.push({ ms: bare.ms, requests: bare.requests, failures: bare.failures });
  }
  return results;
}

function report(results) {
  const sum = (rows, key) => rows.reduce((n, r) => n + (Array.isArray(r[key]) ? r[key].length : r[key]), 0);
  const out = {
    load,
    rounds,
    opsctl: { wall: summarize(results.opsctl.map((r) => r.ms)), switch: summarize(results.opsctl.map((r) => r.switchMs)), health: summarize(results.opsctl.map((r) => r.healthMs)), requests: sum(results.opsctl, 'requests'), failed: sum(results.opsctl, 'failures'), samples: results.opsctl.flatMap((r) => r.failures).slice(0, 5) },
    bare: { wall: summarize(results.bare.map((r) => r.ms)), requests: sum(results.bare, 'requests'), failed: sum(results.bare, 'failures'), samples: results.bare.flatMap((r) => r.failures).slice(0, 5) },
  };
  if (values.json) return console.log(JSON.stringify(out, null, 2)), out;
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`swarm start-first update of 2 replicas under load (${load}), ${rounds} round(s), medians:`);
  console.log(`  opsctl deploy           ${s(out.opsctl.wall.median)} (switch ${s(out.opsctl.switch.median)}, health gate ${s(out.opsctl.health.median)}); failed ${out.opsctl.failed}/${out.opsctl.requests} requests`);
  console.log(`  docker service update   ${s(out.bare.wall.median)}; failed ${out.bare.failed}/${out.bare.requests} requests`);
  console.log(`  goal: 0 failed requests during opsctl deploy: ${out.opsctl.failed === 0 ? 'met' : `missed (${out.opsctl.samples.join('; ')})`}`);
  return out;
}

let code = 2;
process.on('SIGINT', () => {
  for (const cleanup of cleanups.splice(0)) quietly(cleanup);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(130);
});
try {
  code = report(await main()).opsctl.failed === 0 ? 0 : 1;
} catch (error) {
  console.error(`bench:deploy-swarm could not run: ${error.message}`);
} finally {
  for (const cleanup of cleanups) quietly(cleanup);
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);

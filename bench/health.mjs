// `npm run bench:health`: wall time of `opsctl health-check` over 50 endpoints against 1 endpoint, each
// answering after 300 ms from one local HTTP server. Probes run at once, so 50 should cost little more than 1.
// Exit codes: 0 goal met, 1 goal missed, 2 bench could not run (including a CLI run that did not exit 0), 130 interrupted.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runOnce, summarize } from './lib/measure.mjs';
import { wholeNumber } from './lib/cli.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'opsctl.js');
const MAX_RATIO = 1.5;
const DELAY_MS = 300;
const MANY = 50;
const USAGE = `usage: node bench/health.mjs [--runs N] [--warmup N] [--json]
  --runs N      timed runs per case (default 5)
  --warmup N    untimed rounds first (default 1)
  --json        print one JSON document on stdout instead of the text`;

function readOptions() {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, warmup: { type: 'string', default: '1' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const count = (name, min) => wholeNumber(values, name, min);
  return { runs: count('runs', 1), warmup: count('warmup', 0), json: values.json };
}

/** Every path answers 200 {"status":"ok"} after DELAY_MS. */
function startSlowServer() {
  const timers = new Set();
  const server = http.createServer((req, res) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    }, DELAY_MS);
    timers.add(timer);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const close = () => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        return new Promise((done) => server.close(() => done()));
      };
      resolve({ base: `http://127.0.0.1:${port}`, close });
    });
  });
}

/** A temp folder holding an opsctl.yaml with `count` endpoints and no host probes. */
function writeFixture(tmp, label, base, count) {
  const dir = path.join(tmp, label);
  const endpoints = Array.from({ length: count }, (_, i) => `        - { name: e${i + 1}, url: "${base}/e${i + 1}" }`);
  const yaml = ['version: 1', 'app: bench', 'environments:', '  bench:', '    target: { pm2: { script: app.js } }', '    health:', '      host: false', '      retries: 1', '      timeout: 5s', '      endpoints:', ...endpoints, ''];
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'opsctl.yaml'), yaml.join('\n'));
  return { label, count, dir, argv: [process.execPath, BIN, '--config', path.join(dir, 'opsctl.yaml'), 'health-check', '--json'] };
}

/** Interleaves the two cases round by round, so drift in machine load spreads over both alike. */
async function timeCases(cases, options, env, signal) {
  const samples = Object.fromEntries(cases.map((c) => [c.label, { wall: [], check: [] }]));
  for (let round = 0; round < options.warmup + options.runs; round += 1) {
    for (const c of cases) {
      const result = await runOnce(c.argv, { env, cwd: c.dir, signal });
      if (result.code !== 0) throw new Error(`${c.label}: opsctl health-check exited ${result.code}:\n${result.stderr.slice(0, 800)}${result.stdout.slice(0, 400)}`);
      const report = JSON.parse(result.stdout);
      const healthy = report.probes.filter((p) => p.state === 'healthy').length;
      if (report.state !== 'healthy' || healthy !== c.count) throw new Error(`${c.label}: expected ${c.count} healthy probes, got ${healthy} (${report.state})`);
      if (round >= options.warmup) {
        samples[c.label].wall.push(result.ms);
        samples[c.label].check.push(report.durationMs);
      }
    }
  }
  return samples;
}

function buildResult(cases, samples, options) {
  const rows = cases.map((c) => ({ label: c.label, endpoints: c.count, wall: summarize(samples[c.label].wall), check: summarize(samples[c.label].check) }));
  const [one, many] = rows;
  const ratio = Number((many.wall.median / one.wall.median).toFixed(3));
  const cpus = os.cpus();
  return {
    machine: { node: process.version, cpus: os.availableParallelism?.() ?? cpus.length, cpuModel: cpus[0]?.model?.trim() ?? 'unknown', platform: process.platform },
    runs: options.runs,
    warmup: options.warmup,
    delayMs: DELAY_MS,
    rows,
    goal: { maxRatio: MAX_RATIO, ratio, met: ratio < MAX_RATIO },
  };
}

function renderText(result) {
  const { machine, goal } = result;
  const f = (n) => n.toFixed(0).padStart(6);
  const lines = result.rows.map((r) => `${r.label.padEnd(14)} wall median ${f(r.wall.median)} ms (min ${f(r.wall.min)}, max ${f(r.wall.max)})   check ${f(r.check.median)} ms`);
  return [
    `opsctl health-check bench: node ${machine.node}, ${machine.cpus} cores (${machine.cpuModel}), ${machine.platform}`,
    `each endpoint answers after ${result.delayMs} ms; ${result.runs} timed runs per case after ${result.warmup} warm-up round(s), interleaved; "check" is the report's durationMs`,
    '',
    ...lines,
    '',
    `goal: ${result.rows[1].endpoints} endpoints under ${goal.maxRatio}x the wall time of 1 (median): ${goal.ratio.toFixed(2)}x -> ${goal.met ? 'MET' : 'MISSED'}`,
  ].join('\n');
}

async function main() {
  let options;
  try {
    options = readOptions();
    if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/cli/main.js is missing. Run npm run build first.');
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'opsctl-bench-health-'));
  let server;
  try {
    server = await startSlowServer();
    const cases = [writeFixture(tmp, '1 endpoint', server.base, 1), writeFixture(tmp, `${MANY} endpoints`, server.base, MANY)];
    const env = { ...process.env, NO_COLOR: '1' };
    for (const key of Object.keys(env)) if (key.startsWith('OPSCTL_')) delete env[key];
    process.stderr.write(`timing ${options.warmup} warm-up and ${options.runs} measured rounds of 1 and ${MANY} endpoints\n`);
    const samples = await timeCases(cases, options, env, controller.signal);
    const result = buildResult(cases, samples, options);
    process.stdout.write(`${options.json ? JSON.stringify(result, null, 2) : renderText(result)}\n`);
    return result.goal.met ? 0 : 1;
  } catch (error) {
    if (controller.signal.aborted) return 130;
    process.stderr.write(`bench failed: ${error.message}\n`);
    return 2;
  } finally {
    await server?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

process.exitCode = await main();

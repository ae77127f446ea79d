// `npm run bench:logs`: opsctl logs on 1.5M pino lines against jq and grep in the same run.
// Goal (from the logs issue): `opsctl logs --level error` at least 5x faster than `jq 'select(.level >= 50)'`.
// Exit codes: 0 goal met (or jq missing: nothing to compare, said so), 1 goal missed, 2 bench could not run, 130 interrupted.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findGnuTime, peakRssMb, summarize } from './lib/measure.mjs';
import { warnIfStale, wholeNumber } from './lib/cli.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'opsctl.js');
const MIN_SPEEDUP = 5;
const START = Date.parse('2026-01-01T00:00:00Z');
const STEP_MS = 37;
const USAGE = `usage: node bench/logs.mjs [--lines N] [--runs N] [--warmup N] [--json] [--keep]
  --lines N    pino lines to generate (default 1500000)
  --runs N     timed runs per command (default 5)
  --warmup N   untimed rounds first (default 1)
  --json       print one JSON document on stdout instead of the table
  --keep       keep the temp folder with the generated log`;

// Per 100 lines: 10 debug, 78 info, 7 warn, 4 error, 1 fatal. So 5% are error or worse.
const LEVELS = [...Array(10).fill(20), ...Array(78).fill(30), ...Array(7).fill(40), ...Array(4).fill(50), 60];

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        lines: { type: 'string', default: '1500000' },
        runs: { type: 'string', default: '5' },
        warmup: { type: 'string', default: '1' },
        json: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new Error(`${error.message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const count = (name, min) => wholeNumber(values, name, min);
  return { lines: count('lines', 1000), runs: count('runs', 1), warmup: count('warmup', 0), json: values.json, keep: values.keep };
}

/** A pino-style line; the level cycles through LEVELS with a stride so errors are spread out. */
function pinoLine(i) {
  const level = LEVELS[(i * 37) % 100];
  const record = {
    level,
    time: START + i * STEP_MS,
    pid: 4242,
    hostname: 'api-1',
    reqId: `req-${i}`,
    req: { method: i % 5 ? 'GET' : 'POST', url: `/api/items/${i % 977}`, remoteAddress: `10.0.${i % 7}.${i % 250}` },
    res: { statusCode: level >= 50 ? 500 : 200 },
    responseTime: (i * 7) % 900,
    msg: level >= 50 ? 'request failed' : 'request completed',
  };
  return `${JSON.stringify(record)}\n`;
}

async function generate(file, lines) {
  const out = createWriteStream(file);
  const counts = { errorOrWorse: 0 };
  for (let i = 0; i < lines; ) {
    let chunk = '';
    for (let k = 0; k < 2000 && i < lines; k += 1, i += 1) {
      chunk += pinoLine(i);
      if (LEVELS[(i * 37) % 100] >= 50) counts.errorOrWorse += 1;
    }
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  return counts;
}

/** Runs argv and counts its stdout lines without holding them; wall ms from spawn to close. */
function runCounting(argv, { cwd, env, signal }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd, env, signal, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let lines = 0;
    let first = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      if (first.length < 400) first += chunk.toString('utf8', 0, Math.min(chunk.length, 400));
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines += 1;
    });
    child.stderr.on('data', (chunk) => (stderr += chunk).length > 4000 && (stderr = stderr.slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, lines, first, stderr }));
  });
}

function which(tool) {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const file = path.join(dir, tool + ext);
      if (existsSync(file) && statSync(file).isFile()) return file;
    }
  }
  return undefined;
}

function defineCommands(fx, expected) {
  const node = process.execPath;
  const opsctl = (...args) => [node, BIN, '--config', fx.config, 'logs', ...args];
  const sinceIndex = Math.floor(fx.lines * 0.99);
  const since = new Date(START + sinceIndex * STEP_MS).toISOString();
  const commands = [];
  if (fx.jq) commands.push({ id: 'jq', label: `jq -c 'select(.level >= 50)'`, argv: [fx.jq, '-c', 'select(.level >= 50)', fx.log], lines: expected.errorOrWorse });
  if (fx.grep) commands.push({ id: 'grep', label: `grep -E '"level":[56][0-9]'`, argv: [fx.grep, '-E', '"level":[56][0-9]', fx.log], lines: expected.errorOrWorse });
  commands.push(
    { id: 'json', label: 'opsctl logs --level error --json', argv: opsctl('--level', 'error', '--json'), lines: expected.errorOrWorse, baseline: 'jq' },
    { id: 'human', label: 'opsctl logs --level error', argv: opsctl('--level', 'error'), lines: expected.errorOrWorse, baseline: 'jq' },
    { id: 'since', label: 'opsctl logs --since <last 1%> --json', argv: opsctl('--since', since, '--json'), lines: fx.lines - sinceIndex },
    { id: 'tail', label: 'opsctl logs --level error -n 20', argv: opsctl('--level', 'error', '-n', '20'), lines: 20 },
  );
  return commands;
}

async function timeCommands(commands, options, fx, signal) {
  const samples = Object.fromEntries(commands.map((c) => [c.id, []]));
  for (let round = 0; round < options.warmup + options.runs; round += 1) {
    process.stderr.write(`round ${round + 1}/${options.warmup + options.runs}${round < options.warmup ? ' (warm-up)' : ''}\n`);
    for (const c of commands) {
      const result = await runCounting(c.argv, { cwd: fx.dir, env: fx.env, signal });
      // Every run is checked: a bench that times a failing command measures nothing.
      if (result.code !== 0 || result.lines !== c.lines) {
        throw new Error(`${c.label}: exit ${result.code}, ${result.lines} lines (expected ${c.lines}).\n${result.first.slice(0, 300)}\n${result.stderr}`);
      }
      if (round >= options.warmup) samples[c.id].push(result.ms);
    }
  }
  return samples;
}

async function measureRss(commands, fx, signal) {
  const tool = await findGnuTime(fx.dir);
  if (!tool) return { note: 'GNU /usr/bin/time not found' };
  const byCommand = {};
  for (const c of commands) byCommand[c.id] = await peakRssMb(tool, c.argv, { env: fx.env, cwd: fx.dir, signal }, fx.dir);
  return { tool, byCommand };
}

function buildResult(commands, samples, rss, fx) {
  const stats = Object.fromEntries(commands.map((c) => [c.id, summarize(samples[c.id])]));
  const rows = commands.map((c) => {
    const s = stats[c.id];
    const base = c.baseline && stats[c.baseline];
    return { id: c.id, label: c.label, lines: c.lines, median: s.median, min: s.min, max: s.max, speedup: base ? base.median / s.median : undefined, rssMb: rss.byCommand?.[c.id] };
  });
  const json = rows.find((r) => r.id === 'json');
  const human = rows.find((r) => r.id === 'human');
  const goal = fx.jq
    ? { checked: true, minSpeedup: MIN_SPEEDUP, json: json.speedup, human: human.speedup, met: json.speedup >= MIN_SPEEDUP && human.speedup >= MIN_SPEEDUP }
    : { checked: false, minSpeedup: MIN_SPEEDUP, note: 'jq is not installed: nothing to compare with (Debian: apt-get install jq)' };
  return { machine: machine(), file: { lines: fx.lines, bytes: statSync(fx.log).size }, runs: samples.json.length, commands: rows, rss, goal };
}

function machine() {
  const cpus = os.cpus();
  return { node: process.version, cpus: os.availableParallelism?.() ?? cpus.length, cpuModel: cpus[0]?.model?.trim() ?? 'unknown', platform: process.platform, release: os.release() };
}

function renderText(result) {
  const f = (v, d = 0) => (v === undefined ? '-' : v.toFixed(d));
  const header = ['command', 'lines out', 'median ms', 'min ms', 'max ms', 'speed-up vs jq (median)', 'peak RSS MB'];
  const rows = result.commands.map((c) => [c.label, String(c.lines), f(c.median), f(c.min), f(c.max), c.speedup === undefined ? '' : `${c.speedup.toFixed(1)}x`, f(c.rssMb, 1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const { goal } = result;
  const verdict = goal.checked
    ? `goal: opsctl logs --level error at least ${goal.minSpeedup}x faster than jq (median): --json ${goal.json.toFixed(1)}x, readable ${goal.human.toFixed(1)}x -> ${goal.met ? 'MET' : 'MISSED'}`
    : `goal: not checked: ${goal.note}`;
  return [
    `opsctl logs bench: node ${result.machine.node}, ${result.machine.cpus} cores (${result.machine.cpuModel}), ${result.machine.platform} ${result.machine.release}`,
    `${result.file.lines} pino lines, ${(result.file.bytes / 2 ** 20).toFixed(0)} MB; ${result.runs} timed runs per command, interleaved; stdout piped and counted`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    result.rss.byCommand ? `peak RSS: one separate run each under ${result.rss.tool} -f %M` : `peak RSS: not measured (${result.rss.note})`,
    '',
    verdict,
  ].join('\n');
}

async function main() {
  let options;
  try {
    options = readOptions();
    warnIfStale(ROOT, 'commands/logs.js');
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const controller = new AbortController();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-bench-logs-'));
  const cleanup = () => (options.keep ? process.stderr.write(`kept ${dir}\n`) : rmSync(dir, { recursive: true, force: true }));
  const onSignal = () => {
    if (controller.signal.aborted) {
      cleanup();
      process.exit(130);
    }
    process.stderr.write('\ninterrupted: removing the temp folder (Ctrl-C again to force)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const log = path.join(dir, 'app.log');
    const config = path.join(dir, 'opsctl.yaml');
    writeFileSync(config, 'version: 1\napp: bench\nenvironments:\n  bench:\n    target: { pm2: { name: bench, script: app.js } }\n    logs: { files: [app.log], pm2: false }\n');
    process.stderr.write(`generating ${options.lines} pino lines in ${log}\n`);
    const expected = await generate(log, options.lines);
    const jq = which('jq');
    if (!jq) process.stderr.write('jq is not installed: the goal cannot be checked (Debian: apt-get install jq).\n');
    const env = { ...process.env, NO_COLOR: '1', OPSCTL_ENV: 'bench' };
    const fx = { dir, log, config, lines: options.lines, jq, grep: process.platform === 'win32' ? undefined : which('grep'), env };
    const commands = defineCommands(fx, expected);
    const samples = await timeCommands(commands, options, fx, controller.signal);
    const rss = await measureRss(commands, fx, controller.signal);
    const result = buildResult(commands, samples, rss, fx);
    process.stdout.write(`${options.json ? JSON.stringify(result, null, 2) : renderText(result)}\n`);
    return result.goal.checked && !result.goal.met ? 1 : 0;
  } catch (error) {
    if (controller.signal.aborted) return 130;
    process.stderr.write(`bench failed: ${error.message}\n`);
    return 2;
  } finally {
    cleanup();
  }
}

process.exitCode = await main();

// `npm run bench:logs`: opsctl logs on files the real loggers write (test/support/real-loggers.mjs), at
// several sizes and error rates, against jq and grep on the same file in the same run.
// Goals (issue 15): `--level error --json` at least 5x faster than `jq -c 'select(...)'` at every size and
// error rate; `--level error --count` within 2x of `grep -c` at the largest size; peak RSS under 150 MB.
// Exit codes: 0 goals met (or jq missing: nothing to compare, said so), 1 a goal missed, 2 bench could not run, 130 interrupted.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeLoggerFile } from '../test/support/real-loggers.mjs';
import { findGnuTime, runOnce, summarize } from './lib/measure.mjs';
import { warnIfStale, wholeNumber } from './lib/cli.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'opsctl.js');
const MIN_SPEEDUP = 5;
const MAX_GREP_RATIO = 2;
const MAX_RSS_MB = 150;
const USAGE = `usage: node bench/logs.mjs [--sizes N,N] [--rates R,R] [--logger pino|winston|bunyan] [--runs N] [--warmup N] [--json] [--keep]
  --sizes N,N  records per file (default 200000,1500000)
  --rates R,R  shares of error-or-worse records (default 0.05,0.2)
  --logger L   the real logger writing the files (default pino)
  --runs N     timed runs per command (default 3)
  --warmup N   untimed rounds first (default 1)
  --json       print one JSON document on stdout instead of the table
  --keep       keep the temp folder with the generated logs`;
// jq's select for "error or worse" in each logger's own notation, and a grep -c pattern counting the same records.
const SELECT = {
  pino: { jq: 'select(.level >= 50)', grep: '^\\{"level":[56]0,' },
  bunyan: { jq: 'select(.level >= 50)', grep: '"pid":[0-9]*,"level":[56]0,' },
  winston: { jq: 'select(.level == "error")', grep: '"level":"error","message"' },
};

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        sizes: { type: 'string', default: '200000,1500000' },
        rates: { type: 'string', default: '0.05,0.2' },
        logger: { type: 'string', default: 'pino' },
        runs: { type: 'string', default: '3' },
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
  if (!SELECT[values.logger]) throw new Error(`--logger ${values.logger}: one of ${Object.keys(SELECT).join(', ')}\n${USAGE}`);
  const list = (text, parse) => text.split(',').map((v) => parse(v.trim()));
  const sizes = list(values.sizes, (v) => wholeNumber({ v }, 'v', 1000));
  const rates = list(values.rates, Number);
  if (rates.some((r) => !(r > 0 && r < 1))) throw new Error(`--rates ${values.rates}: shares between 0 and 1\n${USAGE}`);
  const count = (name, min) => wholeNumber(values, name, min);
  return { sizes, rates, logger: values.logger, runs: count('runs', 1), warmup: count('warmup', 0), json: values.json, keep: values.keep };
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

async function countLines(file) {
  let lines = 0;
  for await (const chunk of createReadStream(file)) for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines += 1;
  return lines;
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

function defineCommands(fx) {
  const opsctl = (...args) => [process.execPath, BIN, '--config', fx.config, 'logs', ...args];
  const select = SELECT[fx.logger];
  const commands = [];
  if (fx.jq) commands.push({ id: 'jq', label: `jq -c '${select.jq}'`, argv: [fx.jq, '-c', select.jq, fx.log] });
  if (fx.grep) commands.push({ id: 'grep', label: `grep -c '${select.grep}'`, argv: [fx.grep, '-c', select.grep, fx.log], counts: true });
  commands.push(
    { id: 'json', label: 'opsctl logs --level error --json', argv: opsctl('--level', 'error', '--json'), baseline: 'jq' },
    { id: 'count', label: 'opsctl logs --level error --count', argv: opsctl('--level', 'error', '--count'), baseline: 'grep', counts: true },
  );
  return commands;
}

async function timeCommands(commands, options, fx, signal) {
  // Every command must find the same records: the ones that print them by lines, the counters by their number.
  const found = (c, result) => (c.counts ? Number(result.first.trim()) : result.lines);
  const samples = Object.fromEntries(commands.map((c) => [c.id, []]));
  for (let round = 0; round < options.warmup + options.runs; round += 1) {
    process.stderr.write(`round ${round + 1}/${options.warmup + options.runs}${round < options.warmup ? ' (warm-up)' : ''}\n`);
    for (const c of commands) {
      const result = await runCounting(c.argv, { cwd: fx.dir, env: fx.env, signal });
      // Every run is checked: a bench that times a failing command measures nothing.
      fx.expected ??= found(c, result);
      if (result.code !== 0 || found(c, result) !== fx.expected) {
        throw new Error(`${c.label}: exit ${result.code}, ${found(c, result)} records (expected ${fx.expected}).\n${result.first.slice(0, 300)}\n${result.stderr}`);
      }
      if (round >= options.warmup) samples[c.id].push(result.ms);
    }
  }
  return samples;
}

/** One separate run each under GNU time: peak RSS, and CPU seconds (user + system), which a loaded machine distorts less than wall time. */
async function measureRss(commands, fx, signal) {
  const tool = await findGnuTime(fx.dir);
  if (!tool) return { note: 'GNU /usr/bin/time not found' };
  const byCommand = {};
  const cpu = {};
  const out = path.join(fx.dir, 'usage.txt');
  for (const c of commands) {
    await runOnce([tool, '-f', '%M %U %S', '-o', out, ...c.argv], { env: fx.env, cwd: fx.dir, signal });
    const [kb, user, system] = readFileSync(out, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
    byCommand[c.id] = kb / 1024;
    cpu[c.id] = (user + system) * 1000;
  }
  rmSync(out, { force: true });
  return { tool, byCommand, cpu };
}

function scenarioResult(commands, samples, rss, fx) {
  const stats = Object.fromEntries(commands.map((c) => [c.id, summarize(samples[c.id])]));
  const rows = commands.map((c) => {
    const s = stats[c.id];
    const base = c.baseline && stats[c.baseline];
    const cpuBase = c.baseline && rss.cpu?.[c.baseline];
    return { id: c.id, label: c.label, median: s.median, min: s.min, max: s.max, ratio: base ? base.median / s.median : undefined, rssMb: rss.byCommand?.[c.id], cpuMs: rss.cpu?.[c.id], cpuRatio: cpuBase ? cpuBase / rss.cpu[c.id] : undefined };
  });
  return { records: fx.records, rate: fx.rate, lines: fx.lines, bytes: statSync(fx.log).size, errors: fx.expected, rows };
}

function judge(scenarios, options) {
  const largest = Math.max(...options.sizes);
  const checks = [];
  for (const s of scenarios) {
    const row = (id) => s.rows.find((r) => r.id === id);
    if (row('json').ratio !== undefined) checks.push({ goal: `--json >= ${MIN_SPEEDUP}x jq`, at: s, value: row('json').ratio, met: row('json').ratio >= MIN_SPEEDUP });
    if (s.records === largest && row('count').ratio !== undefined) checks.push({ goal: `--count within ${MAX_GREP_RATIO}x grep -c`, at: s, value: row('count').ratio, met: 1 / row('count').ratio <= MAX_GREP_RATIO });
    const rss = Math.max(...s.rows.filter((r) => r.id === 'json' || r.id === 'count').map((r) => r.rssMb ?? 0));
    if (rss > 0) checks.push({ goal: `peak RSS < ${MAX_RSS_MB} MB`, at: s, value: rss, met: rss < MAX_RSS_MB });
  }
  return checks;
}

function machine() {
  const cpus = os.cpus();
  return { node: process.version, cpus: os.availableParallelism?.() ?? cpus.length, cpuModel: cpus[0]?.model?.trim() ?? 'unknown', platform: process.platform, release: os.release() };
}

function renderText(result) {
  const f = (v, d = 0) => (v === undefined ? '-' : v.toFixed(d));
  const out = [`opsctl logs bench: node ${result.machine.node}, ${result.machine.cpus} cores (${result.machine.cpuModel}), ${result.machine.platform} ${result.machine.release}; load average ${result.load.map((l) => l.toFixed(1)).join(' ')} at start`, `${result.logger} files written by the real package; ${result.runs} timed runs per command, interleaved; stdout piped and counted`, ''];
  for (const s of result.scenarios) {
    out.push(`${s.records} records (${s.lines} lines, ${(s.bytes / 2 ** 20).toFixed(0)} MB), ${(s.rate * 100).toFixed(0)}% error or worse (${s.errors} records)`);
    for (const r of s.rows) out.push(`  ${r.label.padEnd(40)} ${f(r.median).padStart(7)} ms median (${f(r.min)}-${f(r.max)})${r.ratio === undefined ? '' : `  ${r.ratio.toFixed(2)}x ${r.id === 'json' ? 'jq' : 'grep -c'}`}${r.rssMb === undefined ? '' : `  ${f(r.rssMb, 1)} MB peak, ${f(r.cpuMs)} ms CPU${r.cpuRatio === undefined ? '' : ` (${r.cpuRatio.toFixed(2)}x by CPU)`}`}`);
  }
  out.push('', ...result.checks.map((c) => `${c.met ? 'MET   ' : 'MISSED'} ${c.goal} at ${c.at.records} records, ${(c.at.rate * 100).toFixed(0)}%: ${c.value.toFixed(2)}`));
  return out.join('\n');
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
    const jq = which('jq');
    if (!jq) process.stderr.write('jq is not installed: the jq goals cannot be checked (Debian: apt-get install jq).\n');
    const env = { ...process.env, NO_COLOR: '1', OPSCTL_ENV: 'bench' };
    const scenarios = [];
    const load = os.loadavg();
    for (const records of options.sizes) {
      for (const rate of options.rates) {
        const log = path.join(dir, `${options.logger}-${records}-${rate}.log`);
        const config = path.join(dir, 'opsctl.yaml');
        writeFileSync(config, `version: 1\napp: bench\nenvironments:\n  bench:\n    target: { pm2: { name: bench, script: app.js } }\n    logs: { files: [${path.basename(log)}], pm2: false }\n`);
        process.stderr.write(`writing ${records} ${options.logger} records, ${rate * 100}% errors\n`);
        await writeLoggerFile(options.logger, log, { records, errorRate: rate, seed: 15 });
        const fx = { dir, log, config, records, rate, logger: options.logger, lines: await countLines(log), jq, grep: process.platform === 'win32' ? undefined : which('grep'), env };
        const commands = defineCommands(fx);
        const samples = await timeCommands(commands, options, fx, controller.signal);
        const rss = await measureRss(commands, fx, controller.signal);
        scenarios.push(scenarioResult(commands, samples, rss, fx));
        rmSync(log, { force: true });
      }
    }
    const checks = judge(scenarios, options);
    const result = { machine: machine(), load, logger: options.logger, runs: options.runs, scenarios, checks };
    process.stdout.write(`${options.json ? JSON.stringify(result, null, 2) : renderText(result)}\n`);
    return checks.some((c) => !c.met) ? 1 : 0;
  } catch (error) {
    if (controller.signal.aborted) return 130;
    process.stderr.write(`bench failed: ${error.message}\n`);
    return 2;
  } finally {
    cleanup();
  }
}

process.exitCode = await main();

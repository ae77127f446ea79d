// `npm run bench:startup`: startup time of opsctl (and of the standalone executable from `npm run package`) against bare node and pm2 in the same run.
// Exit codes: 0 goal met, 1 goal missed or a subcommand module loaded by --version/--help, 2 bench could not run, 130 interrupted.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findGnuTime, median, peakRssMb, runOnce, summarize } from './lib/measure.mjs';
import { traceModules } from './lib/modules.mjs';
import { APP, cleanupFixture, createFixture, startApp } from './lib/pm2-fixture.mjs';
import { renderText } from './lib/report.mjs';
import { warnIfStale, wholeNumber } from './lib/cli.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'opsctl.js');
// The standalone executable of this OS from `npm run package`, timed beside bin/opsctl.js when it exists.
const EXE = path.join(ROOT, 'release', process.platform === 'win32' ? 'opsctl-win-x64.exe' : 'opsctl-linux-x64');
// Issue 18's goals, each a ratio of medians against a baseline timed in the same run.
const GOALS = [
  { id: 'version', maxRatio: 1.2 },
  { id: 'status', maxRatio: 1.3 },
  { id: 'logs', maxRatio: 1.5 },
  { id: 'logs-first', maxRatio: 1.5 },
  // The executable carries its own node: held to the same goal as --version, against this machine's node.
  { id: 'exe-version', maxRatio: 1.2 },
  { id: 'exe-logs', maxRatio: 1.5 },
];
const USAGE = `usage: node bench/startup.mjs [--runs N] [--warmup N] [--rss-runs N] [--json]
  --runs N      timed runs per command (default 20)
  --warmup N    untimed rounds first (default 3)
  --rss-runs N  separate runs under /usr/bin/time for peak RSS (default 3, 0 to skip)
  --json        print one JSON document on stdout instead of the table`;

function parseArgsOrUsage(config) {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new Error(`${error.message}\n${USAGE}`);
  }
}

function readOptions() {
  const { values } = parseArgsOrUsage({
    options: { runs: { type: 'string', default: '20' }, warmup: { type: 'string', default: '3' }, 'rss-runs': { type: 'string', default: '3' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const count = (name, min) => wholeNumber(values, name, min);
  return { runs: count('runs', 1), warmup: count('warmup', 0), rssRuns: count('rss-runs', 0), json: values.json };
}

function defineCommands(fixture, version) {
  const node = process.execPath;
  const json = (out) => JSON.parse(out.slice(out.indexOf('[')));
  const onlineTwice = (out) => JSON.parse(out).target.instances.filter((i) => i.state === 'online').length === 2;
  const lastTwenty = (out) => out.trimEnd().split('\n').length === 20 && out.includes('request 1999 served');
  return [
    { id: 'node', label: 'node -e 0', argv: [node, '-e', '0'], check: () => true },
    { id: 'version', label: 'opsctl --version', argv: [node, BIN, '--version'], baseline: 'node', check: (out) => out.trim() === version },
    { id: 'help', label: 'opsctl --help', argv: [node, BIN, '--help'], baseline: 'node', check: (out) => out.includes('Usage: opsctl') },
    { id: 'pm2', label: 'pm2 jlist', argv: [...fixture.pm2, 'jlist'], check: (out) => json(out).filter((p) => p.name === APP).length === 2 },
    {
      id: 'status',
      label: 'opsctl status --json',
      argv: [node, BIN, '--config', fixture.config, 'status', '--json'],
      baseline: 'pm2',
      check: onlineTwice,
    },
    {
      id: 'logs',
      label: 'opsctl logs -n 20',
      argv: [node, BIN, '--config', fixture.config, 'logs', '-n', '20'],
      baseline: 'node',
      check: lastTwenty,
    },
    {
      id: 'logs-first',
      label: 'opsctl logs -n 20 (no state dir)',
      argv: [node, BIN, '--config', fixture.firstRunConfig, 'logs', '-n', '20'],
      baseline: 'node',
      check: lastTwenty,
    },
    ...executableCommands(version, fixture, onlineTwice, lastTwenty),
  ];
}

function executableCommands(version, fixture, statusCheck, logsCheck) {
  const name = path.relative(ROOT, EXE);
  if (!existsSync(EXE)) {
    process.stderr.write(`${name} not found: the standalone executable is not timed (npm run package builds it)\n`);
    return [];
  }
  if (statSync(EXE).mtimeMs < newestMtime(path.join(ROOT, 'src'))) process.stderr.write(`warning: src/ changed after ${name} was built; run npm run package to bench the current code.\n`);
  return [
    { id: 'exe-version', label: `${name} --version`, argv: [EXE, '--version'], baseline: 'node', check: (out) => out.trim() === version },
    { id: 'exe-help', label: `${name} --help`, argv: [EXE, '--help'], baseline: 'node', check: (out) => out.includes('Usage: opsctl') },
    { id: 'exe-status', label: `${name} status --json`, argv: [EXE, '--config', fixture.config, 'status', '--json'], baseline: 'pm2', check: statusCheck },
    { id: 'exe-logs', label: `${name} logs -n 20`, argv: [EXE, '--config', fixture.config, 'logs', '-n', '20'], baseline: 'node', check: logsCheck },
  ];
}

function newestMtime(dir) {
  return readdirSync(dir, { recursive: true }).reduce((max, f) => Math.max(max, statSync(path.join(dir, f)).mtimeMs), 0);
}

/** Interleaves the commands round by round, so drift in machine load spreads over all of them alike. */
async function timeCommands(commands, options, fixture, signal) {
  const samples = Object.fromEntries(commands.map((c) => [c.id, []]));
  const rounds = options.warmup + options.runs;
  const tty = process.stderr.isTTY;
  if (!tty) process.stderr.write(`timing ${options.warmup} warm-up and ${options.runs} measured rounds of ${commands.length} commands\n`);
  for (let round = 0; round < rounds; round += 1) {
    if (tty) process.stderr.write(`\rround ${round + 1}/${rounds}${round < options.warmup ? ' (warm-up)' : '          '}`);
    for (const c of commands) {
      const result = await runOnce(c.argv, { env: fixture.env, cwd: fixture.dir, signal });
      if (round === 0 && (result.code !== 0 || !safeCheck(c, result.stdout))) {
        throw new Error(`${c.label} did not give the expected output (exit ${result.code}):\n${result.stdout.slice(0, 400)}${result.stderr.slice(0, 400)}`);
      }
      if (round >= options.warmup) samples[c.id].push(result.ms);
    }
  }
  if (tty) process.stderr.write('\n');
  return samples;
}

function safeCheck(command, stdout) {
  try {
    return command.check(stdout);
  } catch {
    return false;
  }
}

async function measureRss(commands, options, fixture, signal) {
  if (options.rssRuns === 0) return { measured: false, note: 'skipped with --rss-runs 0' };
  const tool = await findGnuTime(fixture.dir);
  if (!tool) return { measured: false, note: 'GNU /usr/bin/time not found' };
  const byCommand = {};
  for (const c of commands) {
    const values = [];
    for (let i = 0; i < options.rssRuns; i += 1) values.push(await peakRssMb(tool, c.argv, { env: fixture.env, cwd: fixture.dir, signal }, fixture.dir));
    byCommand[c.id] = median(values);
  }
  return { measured: true, tool, runs: options.rssRuns, byCommand };
}

async function traceAll(commands, fixture) {
  const modules = {};
  for (const c of commands.filter((c) => ['version', 'help', 'status', 'logs'].includes(c.id))) {
    modules[c.label] = await traceModules(c.argv.slice(1), { env: fixture.env, cwd: fixture.dir, root: ROOT, tmp: fixture.dir, label: c.id });
  }
  return modules;
}

function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpus: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    platform: process.platform,
    release: os.release(),
    arch: process.arch,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
  };
}

function buildResult(commands, samples, rss, modules, options) {
  const round = (value, digits) => (value === undefined ? undefined : Number(value.toFixed(digits)));
  const stats = Object.fromEntries(commands.map((c) => [c.id, summarize(samples[c.id].map((ms) => round(ms, 2)))]));
  const rows = commands.map((c) => {
    const s = stats[c.id];
    const base = c.baseline ? stats[c.baseline] : undefined;
    const baseLabel = c.baseline ? commands.find((b) => b.id === c.baseline).label : undefined;
    return { id: c.id, label: c.label, ...s, baseline: baseLabel, ratio: base && round(s.median / base.median, 3), ratioMin: base && round(s.min / base.min, 3), rssMb: round(rss.byCommand?.[c.id], 1) };
  });
  const goals = GOALS.flatMap(({ id, maxRatio }) => {
    const row = rows.find((r) => r.id === id);
    return row ? [{ command: row.label, baseline: row.baseline, maxRatio, ratio: row.ratio, met: row.ratio <= maxRatio }] : [];
  });
  const loaded = [...new Set(['opsctl --version', 'opsctl --help'].flatMap((label) => modules[label].commandModules))];
  const lazy = { ok: loaded.length === 0, loaded };
  const { byCommand, ...rssInfo } = rss;
  const met = goals.every((g) => g.met) && lazy.ok;
  return { machine: machine(), runs: options.runs, warmup: options.warmup, commands: rows, rss: rssInfo, modules, goals, lazy, verdict: met ? 'pass' : 'fail' };
}

async function main() {
  let options;
  try {
    options = readOptions();
    warnIfStale(ROOT, 'cli/main.js');
    // bin/opsctl.js runs bundle/, which npm run build makes after dist/.
    if (!existsSync(path.join(ROOT, 'bundle', 'opsctl.mjs'))) throw new Error('bundle/opsctl.mjs is missing. Run npm run build first.');
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  const controller = new AbortController();
  let fixture;
  const onSignal = () => {
    if (controller.signal.aborted) {
      cleanupFixture(fixture);
      process.exit(130);
    }
    process.stderr.write('\ninterrupted: stopping pm2 and removing the temp folder (Ctrl-C again to force)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    fixture = createFixture(ROOT);
    process.stderr.write(`starting ${APP} under pm2 (PM2_HOME=${fixture.env.PM2_HOME})\n`);
    await startApp(fixture, controller.signal);
    const commands = defineCommands(fixture, version);
    const samples = await timeCommands(commands, options, fixture, controller.signal);
    const rss = await measureRss(commands, options, fixture, controller.signal);
    const modules = await traceAll(commands, fixture);
    const result = buildResult(commands, samples, rss, modules, options);
    process.stdout.write(`${options.json ? JSON.stringify(result, null, 2) : renderText(result)}\n`);
    return result.verdict === 'pass' ? 0 : 1;
  } catch (error) {
    if (controller.signal.aborted) return 130;
    process.stderr.write(`bench failed: ${error.message}\n`);
    return 2;
  } finally {
    process.stderr.write('cleaning up: pm2 kill, removing the temp folder\n');
    cleanupFixture(fixture);
  }
}

process.exitCode = await main();

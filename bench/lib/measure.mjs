// Timing and memory of one child process. Argv arrays only: nothing goes through a shell.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Runs argv once; resolves with wall-clock ms from spawn to exit, exit code and stdout. */
export function runOnce(argv, { env, cwd, signal } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let ended;
    const child = spawn(argv[0], argv.slice(1), { env, cwd, signal, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('exit', () => (ended = process.hrtime.bigint()));
    child.on('close', (code) => {
      const ms = Number((ended ?? process.hrtime.bigint()) - started) / 1e6;
      resolve({ ms, code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** GNU time's `-f %M` prints the peak RSS in KB; undefined when it is not there (macOS, Windows, BusyBox). */
export async function findGnuTime(tmp) {
  const file = '/usr/bin/time';
  if (!existsSync(file)) return undefined;
  const out = path.join(tmp, 'time-probe.txt');
  try {
    const probe = await runOnce([file, '-f', '%M', '-o', out, process.execPath, '-e', '0']);
    const kb = Number(readFileSync(out, 'utf8').trim().split('\n').at(-1));
    return probe.code === 0 && Number.isFinite(kb) && kb > 0 ? file : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(out, { force: true });
  }
}

/** Peak RSS in MB of one run of argv, measured by GNU time in a separate run so timing stays unwrapped. */
export async function peakRssMb(timeBin, argv, options, tmp) {
  const out = path.join(tmp, 'rss.txt');
  await runOnce([timeBin, '-f', '%M', '-o', out, ...argv], options);
  const kb = Number(readFileSync(out, 'utf8').trim().split('\n').at(-1));
  rmSync(out, { force: true });
  return kb / 1024;
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  const p90 = sorted[Math.max(0, Math.ceil(0.9 * sorted.length) - 1)];
  return { median, p90, min: sorted[0], max: sorted.at(-1), runs: sorted.length };
}

export function median(values) {
  return values.length === 0 ? undefined : summarize(values).median;
}

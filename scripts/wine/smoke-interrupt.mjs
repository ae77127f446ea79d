// The interruption part of the smoke run: `opsctl backup` whose pg_dump.cmd never answers is stopped by
// Ctrl-C (SIGINT to the Wine process of opsctl, as a console's Ctrl-C reaches it) and by --timeout.
// Exit 130 and 1, and the node.exe that cmd.exe started for the shim must be gone too: it beats into a
// file every 100 ms while it lives, and the file must stop growing.
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const CASES = [
  { name: 'Ctrl-C', args: ['backup', '-e', 'hang'], exitCode: 130, interrupt: true },
  { name: '--timeout', args: ['backup', '-e', 'hang', '--timeout', '8s'], exitCode: 1, interrupt: false },
];

/** Pids of the Unix processes Wine runs the given Windows program in (their command line names it). */
function winePids(program) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const argv0 = cmdline.split('\0')[0];
    if (argv0.toLowerCase().endsWith(program)) pids.push(Number(entry));
  }
  return pids;
}

async function until(check, ms, what) {
  for (let waited = 0; waited < ms; waited += 200) {
    if (check()) return;
    await sleep(200);
  }
  throw new Error(`${what} did not happen within ${ms / 1000} s`);
}

const size = (file) => (existsSync(file) ? statSync(file).size : 0);

async function interruptOnce(test, { startWindows, app, winPath }) {
  const beat = path.join(app, `beat-${test.name.replace(/\W/g, '')}.txt`);
  rmSync(beat, { force: true });
  const run = startWindows(test.args, { FAKE_HANG: winPath(beat) });
  await until(() => size(beat) > 0, 90_000, "the pg_dump.cmd shim's node.exe starting");
  if (test.interrupt) {
    const pids = winePids('opsctl-win-x64.exe');
    if (pids.length === 0) throw new Error('no Unix process of opsctl-win-x64.exe to send SIGINT to');
    for (const pid of pids) process.kill(pid, 'SIGINT');
  }
  const result = await run;
  const problems = [];
  if (result.exitCode !== test.exitCode) problems.push(`${test.name}: exit ${result.exitCode}, expected ${test.exitCode}\n${result.stderr}`);
  // Gone means: no beat for a second and a half, fifteen beats' worth.
  await sleep(500);
  const before = size(beat);
  await sleep(1500);
  if (size(beat) !== before) problems.push(`${test.name}: the node.exe behind pg_dump.cmd still runs after opsctl exited`);
  console.log(`${problems.length ? 'FAIL' : 'ok  '}  opsctl ${test.args.join(' ')} stopped by ${test.name}: exit ${result.exitCode}, shim's child ${size(beat) !== before ? 'still running' : 'gone'}`);
  return problems;
}

export async function interruptions(context) {
  const problems = [];
  for (const test of CASES) {
    try {
      problems.push(...(await interruptOnce(test, context)));
    } catch (error) {
      problems.push(`${test.name}: ${error.message}`);
    }
  }
  return problems;
}

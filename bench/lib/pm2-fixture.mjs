// A throwaway pm2 daemon (its own PM2_HOME) running a tiny http app in 2 instances, and an opsctl.yaml pointing at it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runOnce } from './measure.mjs';

export const APP = 'bench-api';
const INSTANCES = 2;

const APP_SOURCE = `require('node:http')
  .createServer((req, res) => res.end('{"status":"healthy"}'))
  .listen(0, '127.0.0.1');
`;

const CONFIG = `version: 1
app: ${APP}
environments:
  bench:
    target:
      pm2: { name: ${APP}, script: app.cjs, instances: ${INSTANCES} }
    logs: { files: [app.log], pm2: false }
`;

/** The app's own log for \`logs -n 20\`: 2,000 pino-style lines, a day's worth for a quiet service. */
function appLog() {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ level: i % 50 === 0 ? 50 : 30, time: start + i * 43_000, pid: 1, msg: `request ${i} served`, reqId: `r${i}` }));
  return `${lines.join('\n')}\n`;
}

/** The pm2 CLI as argv: the node_modules/.bin link on POSIX (what opsctl finds on PATH), node + its bin script on Windows. */
export function pm2Argv(root) {
  return process.platform === 'win32'
    ? [process.execPath, path.join(root, 'node_modules', 'pm2', 'bin', 'pm2')]
    : [path.join(root, 'node_modules', '.bin', 'pm2')];
}

export function createFixture(root) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-bench-'));
  writeFileSync(path.join(dir, 'app.cjs'), APP_SOURCE);
  writeFileSync(path.join(dir, 'opsctl.yaml'), CONFIG);
  writeFileSync(path.join(dir, 'app.log'), appLog());
  // A project opsctl has worked in has its state dir, where the config cache lives (README, stateDir): the
  // commands are timed there. first-run/ holds the same config beside no state dir, so every run there
  // reads the YAML and validates it, as the first command in a new project does.
  mkdirSync(path.join(dir, '.opsctl'));
  mkdirSync(path.join(dir, 'first-run'));
  writeFileSync(path.join(dir, 'first-run', 'opsctl.yaml'), CONFIG.replace('files: [app.log]', 'files: [../app.log]'));
  const env = {
    ...process.env,
    PM2_HOME: path.join(dir, 'pm2'),
    PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    NO_COLOR: '1',
  };
  return { dir, env, config: path.join(dir, 'opsctl.yaml'), firstRunConfig: path.join(dir, 'first-run', 'opsctl.yaml'), pm2: pm2Argv(root), daemonPid: undefined, appPids: [] };
}

/** Starts the app and waits until every instance is online. */
export async function startApp(fixture, signal) {
  const pm2 = fixture.pm2;
  const start = await runOnce([...pm2, 'start', 'app.cjs', '--name', APP, '-i', String(INSTANCES)], { env: fixture.env, cwd: fixture.dir, signal });
  if (start.code !== 0) throw new Error(`pm2 start failed (${start.code}): ${start.stderr.trim() || start.stdout.trim()}`);
  fixture.daemonPid = readDaemonPid(fixture);
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const list = await runOnce([...pm2, 'jlist'], { env: fixture.env, cwd: fixture.dir, signal });
    const procs = JSON.parse(list.stdout.slice(list.stdout.indexOf('['))).filter((p) => p.name === APP);
    fixture.appPids = procs.map((p) => p.pid).filter(Boolean);
    if (procs.length === INSTANCES && procs.every((p) => p.pm2_env?.status === 'online')) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${APP} did not reach ${INSTANCES} online instances under pm2 within 10s.`);
}

function readDaemonPid(fixture) {
  try {
    return Number(readFileSync(path.join(fixture.env.PM2_HOME, 'pm2.pid'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** Synchronous so it also works from a signal handler: `pm2 kill` on our PM2_HOME, then our own leftovers by pid, then the folder. */
export function cleanupFixture(fixture) {
  if (!fixture) return;
  fixture.daemonPid ??= readDaemonPid(fixture);
  if (fixture.daemonPid) {
    const [file, ...args] = fixture.pm2;
    spawnSync(file, [...args, 'kill'], { env: fixture.env, cwd: fixture.dir, stdio: 'ignore', timeout: 20_000, windowsHide: true });
  }
  for (const pid of [fixture.daemonPid, ...fixture.appPids]) {
    if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(fixture.dir, { recursive: true, force: true, maxRetries: 3 });
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A real pm2 daemon per test file: its own PM2_HOME in a temp folder, killed at the end by pm2 and then by pid. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cleanEnv, isAlive, REPO_ROOT, waitFor } from './real-cli.js';
import { PM2_BIN } from './real-tools.js';

export interface Pm2Process {
  name: string;
  pid: number;
  pm_id: number;
  pm2_env: { status: string; exec_mode: string };
}

/** Runs pm2 (its JS entry with this node) against one PM2_HOME; any pm2 call starts that home's daemon. */
export async function pm2(home: string, args: string[]): Promise<string> {
  const result = await execa(process.execPath, [PM2_BIN, ...args], { env: cleanEnv({ PM2_HOME: home }), extendEnv: false, stdin: 'ignore', timeout: 60_000 });
  return result.stdout;
}

export async function jlist(home: string): Promise<Pm2Process[]> {
  const out = await pm2(home, ['jlist']);
  return JSON.parse(out.slice(out.indexOf('['))) as Pm2Process[];
}

/** A tiny HTTP server (CommonJS, so pm2's cluster mode can require it). */
export function writeServerScript(dir: string): string {
  const file = path.join(dir, 'server.cjs');
  writeFileSync(file, "require('node:http').createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');\n");
  return file;
}

/** Starts `script` in cluster mode and waits until every instance is online. */
export async function startClusterApp(home: string, name: string, script: string, instances: number): Promise<Pm2Process[]> {
  await pm2(home, ['start', script, '--name', name, '-i', String(instances)]);
  return waitFor(`${instances} online pm2 instances of ${name}`, async () => {
    const list = (await jlist(home)).filter((p) => p.name === name);
    return list.length === instances && list.every((p) => p.pm2_env.status === 'online' && p.pid > 0) ? list : undefined;
  }, 60_000, 500);
}

export function daemonPid(home: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(home, 'pm2.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** `pm2 kill` for this home, then SIGKILL to the daemon and app pids we know of if they outlived it. */
export async function killPm2(home: string, appPids: readonly number[] = []): Promise<void> {
  const daemon = daemonPid(home);
  if (daemon !== undefined && isAlive(daemon)) {
    await pm2(home, ['kill']).catch(() => undefined);
  }
  for (const pid of [daemon, ...appPids]) {
    if (pid !== undefined && isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone between the check and the kill.
      }
    }
  }
}

/** PATH with this checkout's pm2 first: the CLI runs `pm2` from PATH, as it would for a user who installed it. */
export function pathWithPm2(): string {
  return [path.join(REPO_ROOT, 'node_modules', '.bin'), process.env.PATH].join(path.delimiter);
}

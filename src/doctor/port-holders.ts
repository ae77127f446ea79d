import { readdir, readFile, readlink } from 'node:fs/promises';
import { command } from '../process/command.js';
import type { Runner } from '../process/runner.js';

/** A process that listens on a port, as far as opsctl may look. */
export interface Holder {
  pid: number;
  /** Its command line (Linux) or image name (Windows); '' when it could not be read. */
  command: string;
  /** pm2 marks its apps with `pm_id` and `name` in their environment (Linux: read from /proc; nothing else is kept). */
  pm2App?: string;
}

/** The pm2 app name of a process environment (NUL-separated), when pm2 started it. */
export function pm2AppOf(environ: string): string | undefined {
  const vars = environ.split('\0');
  if (!vars.some((v) => v.startsWith('pm_id='))) return undefined;
  return vars.find((v) => v.startsWith('name='))?.slice('name='.length);
}

/** Free, or listened on; `holders` is empty when the listener belongs to a process we may not look at (another user's). */
export type PortState = { listening: false } | { listening: true; holders: Holder[] };

const LISTEN = '0A';

/** `/proc/net/tcp` and `tcp6` lines in LISTEN state: the port and the socket inode, which /proc/<pid>/fd links name. */
export function parseProcNetTcp(text: string): { port: number; inode: string }[] {
  const out: { port: number; inode: string }[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== LISTEN) continue;
    const port = Number.parseInt(fields[1]!.split(':').pop()!, 16);
    if (Number.isInteger(port)) out.push({ port, inode: fields[9]! });
  }
  return out;
}

/** `netstat -ano` (every Windows has it): TCP lines in LISTENING state, their local port and owning pid. */
export function parseNetstat(text: string): { port: number; pid: number }[] {
  const out: { port: number; pid: number }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== 'TCP' || fields[3] !== 'LISTENING') continue;
    const port = Number(fields[1]!.slice(fields[1]!.lastIndexOf(':') + 1));
    const pid = Number(fields[4]);
    if (Number.isInteger(port) && Number.isInteger(pid)) out.push({ port, pid });
  }
  return out;
}

/** `tasklist /FO CSV /NH` line: "node.exe","1234","Console","1","45,000 K" -> node.exe. */
export function parseTasklist(text: string): string {
  return /^"([^"]*)"/.exec(text.trim())?.[1] ?? '';
}

/** Linux: the LISTEN sockets of the port, then which /proc/<pid>/fd link points at one of them. */
async function linuxHolders(port: number, proc = '/proc'): Promise<PortState> {
  const tables = await Promise.all(['tcp', 'tcp6'].map((f) => readFile(`${proc}/net/${f}`, 'utf8').catch(() => '')));
  const inodes = new Set(tables.flatMap((t) => parseProcNetTcp(t)).filter((l) => l.port === port).map((l) => `socket:[${l.inode}]`));
  if (inodes.size === 0) return { listening: false };
  const holders: Holder[] = [];
  for (const name of (await readdir(proc)).filter((n) => /^\d+$/.test(n))) {
    const fds = await readdir(`${proc}/${name}/fd`).catch(() => [] as string[]);
    const links = await Promise.all(fds.map((fd) => readlink(`${proc}/${name}/fd/${fd}`).catch(() => '')));
    if (!links.some((link) => inodes.has(link))) continue;
    const cmdline = await readFile(`${proc}/${name}/cmdline`, 'utf8').catch(() => '');
    const pm2App = pm2AppOf(await readFile(`${proc}/${name}/environ`, 'utf8').catch(() => ''));
    holders.push({ pid: Number(name), command: cmdline.split('\0').filter(Boolean).join(' '), ...(pm2App ? { pm2App } : {}) });
  }
  return { listening: true, holders };
}

async function windowsHolders(port: number, runner: Runner): Promise<PortState> {
  const listed = parseNetstat((await runner.run(command('netstat', ['-ano'], { readOnly: true }))).stdout).filter((l) => l.port === port);
  if (listed.length === 0) return { listening: false };
  const pids = [...new Set(listed.map((l) => l.pid))];
  const holders = await Promise.all(
    pids.map(async (pid) => {
      const found = await runner.run(command('tasklist', ['/FI', `PID eq ${pid}`, '/FO', 'CSV', '/NH'], { readOnly: true }), { allowFailure: true });
      return { pid, command: parseTasklist(found.stdout) };
    }),
  );
  return { listening: true, holders };
}

/** Who listens on `port` on this machine: /proc on Linux, `netstat -ano` and `tasklist` on Windows; no lsof needed. */
export function portHolders(port: number, runner: Runner, platform = process.platform): Promise<PortState> | undefined {
  if (platform === 'linux') return linuxHolders(port);
  if (platform === 'win32') return windowsHolders(port, runner);
  return undefined;
}

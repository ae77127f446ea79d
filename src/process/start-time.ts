import { readFile } from 'node:fs/promises';

/**
 * When a process started, as an opaque token that stays the same for the process's whole life and
 * differs for a later process given the same pid (pid reuse, e.g. after a reboot). Compare tokens
 * only on the host that made them. Undefined when this platform or process cannot tell.
 */
export async function processStartTime(pid: number, platform = process.platform): Promise<string | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (platform === 'linux') return linuxStart(pid);
  // Windows: no cheap way without spawning PowerShell for every lock check, so a holder is known by pid only.
  if (platform === 'win32') return undefined;
  return psStart(pid);
}

let own: Promise<string | undefined> | undefined;

/** This process's token, looked up once. */
export function ownStartTime(): Promise<string | undefined> {
  return (own ??= processStartTime(process.pid));
}

/**
 * Field 22 of /proc/<pid>/stat (clock ticks since boot) with the kernel's boot id. Not /proc/stat's
 * btime: the kernel derives it from the wall clock, so it moves when the clock is stepped, and a live
 * holder would then look like another process.
 */
async function linuxStart(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces or ')': count fields after the last one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[22 - 3];
  if (!ticks || !/^\d+$/.test(ticks)) return undefined;
  const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')).trim();
  return `linux:${boot || 'unknown-boot'}:${ticks}`;
}

/** macOS and the BSDs: ps prints the start time from the process table, to the second. */
async function psStart(pid: number): Promise<string | undefined> {
  const { execa } = await import('execa');
  const result = await execa('ps', ['-o', 'lstart=', '-p', String(pid)], { reject: false, timeout: 5000, windowsHide: true, env: { LC_ALL: 'C' } });
  const started = String(result.stdout).trim();
  return result.exitCode === 0 && started ? `ps:${started}` : undefined;
}

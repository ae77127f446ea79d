/** Small tmpfs mounts (root on Linux): the honest way to fill a disk, or make a folder read-only, in a test. */
import { spawnSync } from 'node:child_process';
import { statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from './real-cli.js';
import type { Probe } from './real-tools.js';

/** The gate of requireTool('tmpfs', probeTmpfs). */
export const probeTmpfs: Probe = () => {
  if (process.platform !== 'linux') return 'tmpfs mounts are Linux-only';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = makeTempDir('tmpfs-probe');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) return `mount -t tmpfs failed: ${(mounted.stderr || mounted.error?.message || '').trim()}`;
  spawnSync('umount', [dir]);
  return undefined;
};

function mustRun(args: string[]): void {
  const result = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
}

export function mountTmpfs(dir: string, size: string): void {
  mustRun(['mount', '-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
}

export function remountReadOnly(dir: string): void {
  mustRun(['mount', '-o', 'remount,ro', dir]);
}

export function unmount(dir: string): void {
  spawnSync('umount', [dir]);
}

export function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/** Fills the filesystem of `dir` with a file `filler` until exactly `leave` bytes (whole pages) are free. */
export function fillUp(dir: string, leave: number): string {
  const filler = path.join(dir, 'filler');
  writeFileSync(filler, Buffer.alloc(freeBytes(dir) - leave));
  if (freeBytes(dir) !== leave) throw new Error(`could not leave exactly ${leave} bytes free in ${dir}: ${freeBytes(dir)}`);
  return filler;
}

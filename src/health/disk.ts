import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../output/table.js';

/** One statfs of the filesystem that holds a folder: the numbers doctor, deploy's preflight and health-check read. */
export interface DiskSpace {
  /** The folder measured: `dir` or its nearest existing parent (a backup folder not made yet). */
  measuredAt: string;
  blockSize: number;
  blocks: number;
  /** Free blocks, the ones reserved for root included. */
  freeBlocks: number;
  /** Free blocks an unprivileged user may take. */
  availableBlocks: number;
}

/** Undefined when no part of the path exists. */
export async function readDiskSpace(dir: string): Promise<DiskSpace | undefined> {
  const existing = await nearestExisting(dir);
  if (!existing) return undefined;
  const stats = await statfs(existing);
  return { measuredAt: existing, blockSize: stats.bsize, blocks: stats.blocks, freeBlocks: stats.bfree, availableBlocks: stats.bavail };
}

/** The folder itself, else its nearest parent that exists: checks create nothing. */
export async function nearestExisting(dir: string): Promise<string | undefined> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    try {
      await statfs(current);
      return current;
    } catch {
      if (path.dirname(current) === current) return undefined;
    }
  }
}

const DISK_WARN = 0.15;
const DISK_FAIL = 0.05;

/** What doctor lists and deploy's preflight refuses on: warn under 15 % available, fail under 5 %. */
export interface DiskCheck {
  name: string;
  kind: 'disk';
  status: 'ok' | 'warn' | 'fail';
  required: true;
  detail: string;
}

/** Free space on the filesystem that holds `dir` (or its nearest existing parent). */
export async function checkDisk(label: string, dir: string): Promise<DiskCheck> {
  const space = await readDiskSpace(dir);
  if (!space) return { name: label, kind: 'disk', required: true, status: 'fail', detail: `no part of ${dir} exists` };
  const free = space.availableBlocks * space.blockSize;
  const share = space.blocks > 0 ? space.availableBlocks / space.blocks : 0;
  const status = share < DISK_FAIL ? 'fail' : share < DISK_WARN ? 'warn' : 'ok';
  return { name: label, kind: 'disk', required: true, status, detail: `${formatBytes(free)} free (${Math.round(share * 100)}%) at ${dir}` };
}

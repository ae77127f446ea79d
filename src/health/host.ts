import os from 'node:os';
import { formatBytes } from '../output/table.js';
import { readDiskSpace } from './disk.js';
import { byThreshold, type ProbeResult } from './types.js';

export interface Thresholds {
  warn: number;
  crit: number;
}

/** The manuals' alerting table: disk warn 75 % / crit 85 %, memory 80 % / 90 %. Load has no row there: one and two runnable tasks per core. */
export const HOST_DEFAULTS = {
  disk: { warn: 75, crit: 85 },
  memory: { warn: 80, crit: 90 },
  load: { warn: 1, crit: 2 },
} as const;

type HostAttempt = Omit<ProbeResult, 'attempts' | 'durationMs'>;

/** Used space of the filesystem holding `dir` (or its nearest existing parent), as df counts it. */
export async function probeDisk(name: string, dir: string, limits: Thresholds): Promise<HostAttempt> {
  const base = { name, kind: 'disk', target: dir } as const;
  const space = await readDiskSpace(dir);
  if (!space) return { ...base, state: 'unknown', reason: 'no part of the path exists' };
  // Like df: blocks reserved for root count neither as used nor as available.
  const used = space.blocks - space.freeBlocks;
  const usable = used + space.availableBlocks;
  const percent = usable === 0 ? 0 : round1((used / usable) * 100);
  const freeBytes = space.availableBlocks * space.blockSize;
  const state = byThreshold(percent, limits.warn, limits.crit);
  return {
    ...base,
    state,
    value: percent,
    unit: '%',
    reason: `${percent}% used, ${formatBytes(freeBytes)} free${limitSuffix(state, limits, '%')}`,
    details: { freeBytes, totalBytes: usable * space.blockSize, measuredAt: space.measuredAt },
  };
}

export function probeMemory(limits: Thresholds): HostAttempt {
  const total = os.totalmem();
  // libuv's free memory is what the kernel calls available: page cache that can be dropped counts as free.
  const free = os.freemem();
  const percent = round1(((total - free) / total) * 100);
  const state = byThreshold(percent, limits.warn, limits.crit);
  return {
    name: 'memory',
    kind: 'memory',
    target: os.hostname(),
    state,
    value: percent,
    unit: '%',
    reason: `${percent}% used, ${formatBytes(free)} available of ${formatBytes(total)}${limitSuffix(state, limits, '%')}`,
    details: { totalBytes: total, availableBytes: free },
  };
}

export function probeLoad(limits: Thresholds): HostAttempt {
  const base = { name: 'load', kind: 'load', target: os.hostname() } as const;
  if (process.platform === 'win32') return { ...base, state: 'healthy', reason: 'not measured: Windows has no load average' };
  const cores = Math.max(1, os.availableParallelism());
  const [one, five] = os.loadavg() as [number, number, number];
  const perCore = Math.round((five / cores) * 100) / 100;
  const state = byThreshold(perCore, limits.warn, limits.crit);
  return {
    ...base,
    state,
    value: perCore,
    unit: 'per core',
    reason: `load ${five.toFixed(2)} over 5 min on ${cores} cores (${perCore} per core; 1 min: ${one.toFixed(2)})${limitSuffix(state, limits, ' per core')}`,
    details: { loadAverage: os.loadavg(), cores },
  };
}

function limitSuffix(state: string, limits: Thresholds, unit: string): string {
  if (state === 'unhealthy') return ` (critical above ${limits.crit}${unit})`;
  if (state === 'degraded') return ` (warning above ${limits.warn}${unit})`;
  return '';
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

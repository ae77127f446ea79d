import os from 'node:os';
import { formatBytes } from '../output/table.js';
import { readDiskSpace } from './disk.js';
import { byThreshold, type ProbeResult } from './types.js';

export interface Thresholds {
  warn: number;
  crit: number;
}

/** Load may leave crit unset: then it can degrade health-check but never fail it. */
export interface LoadThresholds {
  warn: number;
  crit?: number | undefined;
}

/**
 * The manuals' alerting table: disk warn 75 % / crit 85 %, memory 80 % / 90 %. Load has no row there and
 * is a weak signal of the app's health (a shared 2-core build box sits at load 3-4 while the app is fine):
 * by default it only degrades, above 2 runnable tasks per core sustained over both 5 and 15 minutes.
 */
export const HOST_DEFAULTS = {
  disk: { warn: 75, crit: 85 },
  memory: { warn: 80, crit: 90 },
  load: { warn: 2 } as LoadThresholds,
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

export function probeLoad(limits: LoadThresholds): HostAttempt {
  const base = { name: 'load', kind: 'load', target: os.hostname() } as const;
  if (process.platform === 'win32') return { ...base, state: 'healthy', reason: 'not measured: Windows has no load average' };
  return { ...base, ...judgeLoad(os.loadavg() as [number, number, number], Math.max(1, os.availableParallelism()), limits) };
}

/** The lower of the 5- and 15-minute averages per core: a burst moves the first, not both, so only sustained load counts. */
export function judgeLoad(averages: readonly [number, number, number], cores: number, limits: LoadThresholds): Pick<HostAttempt, 'state' | 'value' | 'unit' | 'reason' | 'details'> {
  const [one, five, fifteen] = averages;
  const perCore = Math.round((Math.min(five, fifteen) / cores) * 100) / 100;
  const state = byThreshold(perCore, limits.warn, limits.crit);
  return {
    state,
    value: perCore,
    unit: 'per core',
    reason: `load ${five.toFixed(2)} over 5 min, ${fifteen.toFixed(2)} over 15 min on ${cores} cores (${perCore} per core sustained; 1 min: ${one.toFixed(2)})${limitSuffix(state, limits, ' per core')}`,
    details: { loadAverage: [...averages], cores },
  };
}

function limitSuffix(state: string, limits: LoadThresholds, unit: string): string {
  if (state === 'unhealthy') return ` (critical above ${limits.crit}${unit})`;
  if (state === 'degraded') return ` (warning above ${limits.warn}${unit})`;
  return '';
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

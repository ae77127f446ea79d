import { formatBytes } from '../output/table.js';
import { DAY_MS, MB } from './types.js';
import type { TempFile } from './temp-walk.js';

export interface TempRule {
  maxAgeDays?: number | undefined;
  maxSizeMB?: number | undefined;
}

/** What the rules look at; the walk's files carry more (where to remove them from). */
export type Aged = Pick<TempFile, 'path' | 'bytes' | 'mtimeMs'>;

export interface Picked<F extends Aged = TempFile> {
  file: F;
  why: string;
}

/**
 * Files older than maxAgeDays; then, while what is left is still over maxSizeMB, the oldest of the rest
 * (as the manuals' "delete oldest when /tmp exceeds 500 MB"). Oldest first.
 */
export function pickTempFiles<F extends Aged>(files: readonly F[], rule: TempRule, now: number): Picked<F>[] {
  const oldestFirst = [...files].sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
  const picked: Picked<F>[] = [];
  const rest: F[] = [];
  for (const file of oldestFirst) {
    const ageDays = (now - file.mtimeMs) / DAY_MS;
    if (rule.maxAgeDays !== undefined && ageDays > rule.maxAgeDays) picked.push({ file, why: `${Math.floor(ageDays)} days old (maxAgeDays ${rule.maxAgeDays})` });
    else rest.push(file);
  }
  if (rule.maxSizeMB === undefined) return picked;
  const budget = rule.maxSizeMB * MB;
  let left = rest.reduce((sum, f) => sum + f.bytes, 0);
  const over = left;
  for (const file of rest) {
    if (left <= budget) break;
    picked.push({ file, why: `oldest while the folder is over maxSizeMB ${rule.maxSizeMB} (${formatBytes(over)})` });
    left -= file.bytes;
  }
  return picked;
}

import { readFile } from 'node:fs/promises';
import { rawKey, type RawPath } from './raw-path.js';

const MOUNTINFO = '/proc/self/mountinfo';

/**
 * Every mount point the kernel lists for this process, as rawKey()s. A bind mount of a folder from the
 * same filesystem has the same st_dev as its parent, so comparing devices alone would walk into it and
 * empty the folder it shows; the mount table names it. Empty where there is no /proc (macOS, Windows):
 * there the st_dev comparison is the guard, and those systems have no same-device bind mounts.
 */
export async function readMountPoints(file = MOUNTINFO): Promise<Set<string>> {
  const text = await readFile(file).catch(() => undefined);
  return new Set(text ? parseMountInfo(text).map(rawKey) : []);
}

/** The 5th field of each mountinfo line, with the kernel's octal escapes (\040 for a space) undone. */
export function parseMountInfo(text: Buffer): RawPath[] {
  const points: RawPath[] = [];
  for (const line of text.toString('latin1').split('\n')) {
    const field = line.split(' ')[4];
    if (field) points.push(unescapeOctal(field));
  }
  return points;
}

function unescapeOctal(field: string): RawPath {
  const latin1 = field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
  return Buffer.from(latin1, 'latin1');
}

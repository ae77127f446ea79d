import { RCLONE_MINIMUM } from '../backup/remote/rclone.js';

export interface Minimum {
  version: string;
  /** The flag or feature that needs it, for the message. */
  because: string;
}

/** The oldest version of a tool that takes what opsctl passes it, where an older one exists in the wild; kept beside the flags. */
export const MINIMUMS: Readonly<Record<string, Minimum>> = { rclone: RCLONE_MINIMUM };

/** "1.45.0" is older than "1.51"; a version without leading numbers is not called old (doctor cannot tell). */
export function isOlder(version: string, minimum: string): boolean {
  const have = numbersOf(version);
  const need = numbersOf(minimum) ?? [];
  if (!have) return false;
  for (let i = 0; i < Math.max(have.length, need.length); i++) {
    const difference = (have[i] ?? 0) - (need[i] ?? 0);
    if (difference !== 0) return difference < 0;
  }
  return false;
}

/** "1.60.1-DEV" -> [1, 60, 1]: a suffix does not count. */
function numbersOf(version: string): number[] | undefined {
  return /^v?(\d+(?:\.\d+)*)/.exec(version)?.[1]!.split('.').map(Number);
}

import type { KindPlan } from './types.js';

/**
 * Seam for "old release folders beyond the kept N" (issue #6). Deploy (#5) does not exist yet, so there is
 * no release layout to read; guessing one could remove a live release. Deploy fills this in with its layout.
 */
export async function planReleaseFolders(): Promise<KindPlan> {
  return { removals: [], notes: [] };
}

import type { HistoryEntry } from '../history/journal.js';

/** What a deploy or rollback journals, besides the common fields: enough to rebuild the release ledger. */
export interface ReleaseDetails {
  /** The release the operation switched to (deploy) or back to (rollback). */
  release: string;
  shortSha: string;
  subject?: string;
  /** What ran before the operation. */
  previous: string | null;
  /** What runs after it: the release, the previous one after an automatic rollback, or null when unknown. */
  running: string | null;
  /** The health gate's verdict on `release`: bad releases need --force to be deployed again. */
  verdict: 'good' | 'bad' | 'untested';
  /** Backup set taken before the deploy (backup.beforeDeploy). */
  backup?: string | null;
}

export interface Ledger {
  /** The release running now, as far as the journal knows. */
  current: string | null;
  /** Releases that passed the health gate, newest verdict first, without repeats. Bad ones are left out. */
  good: string[];
  bad: Set<string>;
  /** The newest deploy or rollback entry that switched to each release. */
  entries: Map<string, HistoryEntry>;
}

export const RELEASE_TYPES = ['deploy', 'rollback'] as const;

export function releaseDetails(entry: HistoryEntry): ReleaseDetails | undefined {
  const details = entry.details as Partial<ReleaseDetails> | undefined;
  return details && typeof details.release === 'string' && typeof details.verdict === 'string' ? (details as ReleaseDetails) : undefined;
}

/** Rebuilds what runs and which releases are good or bad from deploy and rollback entries, newest first. */
export function readLedger(newestFirst: readonly HistoryEntry[]): Ledger {
  const ledger: Ledger = { current: null, good: [], bad: new Set(), entries: new Map() };
  const judged = new Set<string>();
  let currentKnown = false;
  for (const entry of newestFirst) {
    const details = releaseDetails(entry);
    if (!details) continue;
    if (!currentKnown) {
      ledger.current = details.running;
      currentKnown = true;
    }
    if (!ledger.entries.has(details.release)) ledger.entries.set(details.release, entry);
    // The newest verdict on a release wins: a bad release forced later and passing is good again.
    if (judged.has(details.release) || details.verdict === 'untested') continue;
    judged.add(details.release);
    if (details.verdict === 'good') ledger.good.push(details.release);
    else ledger.bad.add(details.release);
  }
  return ledger;
}

/** The release `rollback` goes back to: the newest good one other than what runs now. */
export function previousGood(ledger: Ledger, current: string | null = ledger.current): string | undefined {
  return ledger.good.find((sha) => sha !== current);
}

/** A unique release from a full or abbreviated sha, among those the journal knows. */
export function findRelease(ledger: Ledger, prefix: string): string[] {
  const known = new Set([...ledger.entries.keys()]);
  return [...known].filter((sha) => sha.startsWith(prefix.toLowerCase()));
}

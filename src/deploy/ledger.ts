import type { SelectedEnvironment } from '../config/select.js';
import { readEntries, type HistoryEntry } from '../history/journal.js';

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
  /**
   * What ran, oldest first, as a stack: a deploy that stays pushes its release, a rollback to a release
   * on the stack pops back to it. The entry below the top is what ran before the current release.
   */
  stack: string[];
}

export const RELEASE_TYPES = ['deploy', 'rollback'] as const;

export function releaseDetails(entry: HistoryEntry): ReleaseDetails | undefined {
  const details = entry.details as Partial<ReleaseDetails> | undefined;
  return details && typeof details.release === 'string' && typeof details.verdict === 'string' ? (details as ReleaseDetails) : undefined;
}

/** The environment's ledger, read from its journal. */
export async function releaseLedger(env: Pick<SelectedEnvironment, 'stateDir' | 'name'>): Promise<Ledger> {
  return readLedger(await readEntries(env.stateDir, { environment: env.name, types: RELEASE_TYPES }));
}

/** Rebuilds what runs and which releases are good or bad from deploy and rollback entries, newest first. */
export function readLedger(newestFirst: readonly HistoryEntry[]): Ledger {
  const ledger: Ledger = { current: null, good: [], bad: new Set(), entries: new Map(), stack: runStack(newestFirst) };
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

function runStack(newestFirst: readonly HistoryEntry[]): string[] {
  const stack: string[] = [];
  for (const entry of [...newestFirst].reverse()) {
    const details = releaseDetails(entry);
    if (!details?.running) continue;
    const at = stack.lastIndexOf(details.running);
    if (entry.type === 'rollback' && at >= 0) stack.length = at + 1;
    else if (stack.at(-1) !== details.running) stack.push(details.running);
  }
  return stack;
}

/**
 * The release `rollback` goes back to: the newest good release that ran before the current one, so a
 * second rollback goes further back, never forth again to the release just left.
 */
export function previousGood(ledger: Ledger, current: string | null = ledger.current): string | undefined {
  const below = ledger.stack.slice(0, current && ledger.stack.at(-1) === current ? -1 : undefined).reverse();
  return below.find((sha) => sha !== current && isGood(ledger, sha));
}

/** Where an automatic rollback goes: what ran before, when the gate called it good; else the newest good release. */
export function rollbackTarget(ledger: Ledger): string | undefined {
  return ledger.current && isGood(ledger, ledger.current) ? ledger.current : previousGood(ledger);
}

function isGood(ledger: Ledger, sha: string): boolean {
  return ledger.good.includes(sha);
}

/** A unique release from a full or abbreviated sha, among those the journal knows. */
export function findRelease(ledger: Ledger, prefix: string): string[] {
  const known = new Set([...ledger.entries.keys()]);
  return [...known].filter((sha) => sha.startsWith(prefix.toLowerCase()));
}

/** What prune keeps: the newest set of each of the last N days / ISO weeks / months that have one, and/or everything younger than maxAgeDays. */
export interface RetentionPolicy {
  daily?: number | undefined;
  weekly?: number | undefined;
  monthly?: number | undefined;
  maxAgeDays?: number | undefined;
}

export interface Dated {
  id: string;
  createdAt: string;
  /** A safety set (taken by restore): kept by its own rule only, never the newest nor in a bucket. */
  safety?: boolean;
}

/** Safety sets stay this long, whatever the policy: long enough to notice a bad restore. */
export const SAFETY_KEEP_DAYS = 7;

export interface Decision {
  id: string;
  keep: boolean;
  /** Why it stays (each rule that keeps it), or why it goes. */
  reasons: string[];
}

const DAY_MS = 86_400_000;
type Rule = 'daily' | 'weekly' | 'monthly';
const RULES: readonly Rule[] = ['daily', 'weekly', 'monthly'];

export function isEmptyPolicy(policy: RetentionPolicy | undefined): boolean {
  return !policy || (!policy.daily && !policy.weekly && !policy.monthly && !policy.maxAgeDays);
}

/**
 * One decision per set, newest first. A set is kept when any rule keeps it (rules add up, as in
 * restic); buckets are UTC days, ISO weeks and months, and count only periods that have a set, so
 * a pause in backups never empties the history. The newest regular set is always kept. Safety sets
 * are outside these rules: kept while younger than SAFETY_KEEP_DAYS.
 */
export function applyRetention(sets: readonly Dated[], policy: RetentionPolicy, now: number): Decision[] {
  const all = [...sets].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  const ordered = all.filter((s) => !s.safety);
  const reasons = new Map<string, string[]>(all.map((s) => [s.id, []]));
  for (const set of all.filter((s) => s.safety)) {
    if (now - Date.parse(set.createdAt) < SAFETY_KEEP_DAYS * DAY_MS) reasons.get(set.id)!.push(`safety set, younger than ${SAFETY_KEEP_DAYS} days`);
  }
  if (ordered[0]) reasons.get(ordered[0].id)!.push('newest');
  for (const rule of RULES) {
    const count = policy[rule] ?? 0;
    let last: string | undefined;
    let kept = 0;
    for (const set of ordered) {
      if (kept >= count) break;
      const bucket = bucketOf(rule, new Date(set.createdAt));
      if (bucket === last) continue;
      last = bucket;
      kept += 1;
      reasons.get(set.id)!.push(`${rule} ${kept}/${count} (${bucket})`);
    }
  }
  if (policy.maxAgeDays) {
    for (const set of ordered) {
      if (now - Date.parse(set.createdAt) < policy.maxAgeDays * DAY_MS) reasons.get(set.id)!.push(`younger than ${policy.maxAgeDays} days`);
    }
  }
  return all.map((set) => {
    const keptBy = reasons.get(set.id)!;
    if (keptBy.length > 0) return { id: set.id, keep: true, reasons: keptBy };
    return { id: set.id, keep: false, reasons: [set.safety ? `safety set, ${SAFETY_KEEP_DAYS} days old or more` : whyGone(policy, set, now)] };
  });
}

function whyGone(policy: RetentionPolicy, set: Dated, now: number): string {
  const rules = RULES.filter((r) => policy[r]).map((r) => `${policy[r]} ${r === 'daily' ? 'days' : r === 'weekly' ? 'weeks' : 'months'}`);
  const parts: string[] = [];
  if (rules.length > 0) parts.push(`not the newest set of the last ${rules.join(', ')}`);
  if (policy.maxAgeDays) parts.push(`${Math.floor((now - Date.parse(set.createdAt)) / DAY_MS)} days old (maxAgeDays ${policy.maxAgeDays})`);
  return parts.join('; ');
}

export function bucketOf(rule: Rule, date: Date): string {
  const iso = date.toISOString();
  if (rule === 'daily') return iso.slice(0, 10);
  if (rule === 'monthly') return iso.slice(0, 7);
  return isoWeek(date);
}

/** ISO 8601 week: weeks start on Monday; week 1 holds the year's first Thursday. */
function isoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

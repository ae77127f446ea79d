import type { Instance } from '../targets/types.js';

/** What runs against what opsctl recorded and where the `current` link leads: a Ctrl-C mid-switch can leave them apart. */
export interface ReleaseDrift {
  /** They disagree: say it loudly. */
  mixed: boolean;
  /** "mixed: 2 instances on 1a2b3c4, link on 5d6e7f8, recorded 5d6e7f8"; null when they agree or nothing is known. */
  message: string | null;
  /** Running instances per release (full sha, or "unknown" for an instance that does not say). */
  running: Record<string, number>;
  /** The release folder the `current` link leads to (its 12-digit name); null without a link (compose, swarm). */
  link: string | null;
  /** The release the journal says runs. */
  recorded: string | null;
}

const UP = new Set(['online', 'running']);
const same = (a: string, b: string) => a.slice(0, 12) === b.slice(0, 12);
const short = (sha: string) => (sha === 'unknown' ? sha : sha.slice(0, 7));

/** `instances` are the deployed service's own; those not up are left out (a stopped app runs nothing). */
export function releaseDrift(instances: readonly Instance[], recorded: string | null, link: string | null): ReleaseDrift {
  const running: Record<string, number> = {};
  for (const i of instances.filter((x) => UP.has(x.state.split(' ')[0]!))) running[i.release ?? 'unknown'] = (running[i.release ?? 'unknown'] ?? 0) + 1;
  const known = Object.keys(running).filter((r) => r !== 'unknown');
  const releases = [...known, ...(link ? [link] : []), ...(recorded ? [recorded] : [])];
  // Images not tagged by sha (and pm2 apps started by hand) say nothing about releases: nothing to compare.
  const agree = known.length === 0 || releases.every((r) => same(r, releases[0]!));
  if (agree) return { mixed: false, message: null, running, link, recorded };
  const parts = Object.entries(running).map(([release, n]) => `${n} instance${n === 1 ? '' : 's'} on ${short(release)}`);
  if (link) parts.push(`link on ${short(link)}`);
  parts.push(recorded ? `recorded ${short(recorded)}` : 'nothing recorded');
  return { mixed: true, message: `mixed: ${parts.join(', ')}`, running, link, recorded };
}

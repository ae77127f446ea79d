import { formatDuration } from '../../config/duration.js';
import { repositoryOf, shortId, type ImageFacts } from './image-facts.js';

export interface ReleaseRule {
  repository: string;
  keepReleases: number;
  olderThanMs?: number | undefined;
  /**
   * Release ids (shas) to keep: what runs and the newest good releases, from the journal. When opsctl
   * has deployed, an image is a release by its sha tag; without a journal, the newest by age stay.
   */
  releases?: ReadonlySet<string>;
}

export interface ImageDecision {
  image: ImageFacts;
  remove: boolean;
  why: string;
}

/**
 * Images of the target's repository, newest first: the newest keepReleases stay (rollback needs them),
 * so does any image a container uses, one younger than olderThan, or one also tagged in another repository.
 */
export function decideReleaseImages(images: readonly ImageFacts[], rule: ReleaseRule, inUse: ReadonlySet<string>, now: number): ImageDecision[] {
  const newestFirst = [...images].sort((a, b) => b.createdMs - a.createdMs || a.id.localeCompare(b.id));
  return newestFirst.map((image, index) => {
    const age = now - image.createdMs;
    const foreign = image.tags.filter((t) => repositoryOf(t) !== rule.repository);
    const kept = rule.releases && rule.releases.size > 0 ? keptByJournal(image, rule.repository, rule.releases) : index < rule.keepReleases && `one of the newest ${rule.keepReleases} releases (keepReleases)`;
    if (kept) return { image, remove: false, why: kept };
    if (inUse.has(image.id)) return { image, remove: false, why: 'used by a container' };
    if (rule.olderThanMs !== undefined && age < rule.olderThanMs) return { image, remove: false, why: `younger than olderThan ${formatDuration(rule.olderThanMs)}` };
    if (foreign.length > 0) return { image, remove: false, why: `also tagged ${foreign.join(', ')}` };
    const older = rule.olderThanMs !== undefined ? `, ${formatDuration(age)} old (olderThan ${formatDuration(rule.olderThanMs)})` : '';
    return { image, remove: true, why: `release ${index + 1} by age, beyond keepReleases ${rule.keepReleases}${older}` };
  });
}

const SHA = /^[0-9a-f]{40,64}$/;

function keptByJournal(image: ImageFacts, repository: string, releases: ReadonlySet<string>): string | false {
  const tags = image.tags.filter((t) => repositoryOf(t) === repository).map((t) => t.slice(repository.length + 1));
  if (tags.some((tag) => releases.has(tag))) return 'a release that runs or can be rolled back to (history)';
  if (!tags.every((tag) => SHA.test(tag))) return 'not tagged with a release sha';
  return false;
}

export function imageLabel(image: ImageFacts): string {
  return `${image.tags.length > 0 ? image.tags.join(', ') : '<dangling>'} (${shortId(image.id)})`;
}

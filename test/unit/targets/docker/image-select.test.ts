import { describe, expect, it } from 'vitest';
import { idsOf, parseContainerFacts, parseImageFacts, repositoryOf } from '../../../../src/targets/docker/image-facts.js';
import { decideReleaseImages } from '../../../../src/targets/docker/image-select.js';

const NOW = Date.parse('2026-11-23T00:00:00Z');
const DAY = 86_400_000;
describe('decideReleaseImages', () => {
  const image = (id: string, days: number, tags = [`app:${id}`]) => ({ id, tags, createdMs: NOW - days * DAY, bytes: 10 });
  const images = [image('r1', 1), image('r2', 2), image('r3', 3), image('r4', 10), image('r5', 20), image('r6', 30, ['app:r6', 'other/app:r6'])];

  it('keeps the newest keepReleases, the ones in use, the young ones and those tagged elsewhere', () => {
    const decisions = decideReleaseImages([...images].reverse(), { repository: 'app', keepReleases: 2, olderThanMs: 7 * DAY }, new Set(['r5']), NOW);
    expect(decisions.map((d) => [d.image.id, d.remove])).toEqual([
      ['r1', false], ['r2', false], ['r3', false], ['r4', true], ['r5', false], ['r6', false],
    ]);
    expect(decisions.map((d) => d.why)).toEqual([
      'one of the newest 2 releases (keepReleases)',
      'one of the newest 2 releases (keepReleases)',
      'younger than olderThan 7d',
      'release 4 by age, beyond keepReleases 2, 10d old (olderThan 7d)',
      'used by a container',
      'also tagged other/app:r6',
    ]);
  });

  it('without olderThan, everything beyond keepReleases that is unused goes', () => {
    const decisions = decideReleaseImages(images.slice(0, 5), { repository: 'app', keepReleases: 3 }, new Set(), NOW);
    expect(decisions.filter((d) => d.remove).map((d) => d.image.id)).toEqual(['r4', 'r5']);
  });

  it('once opsctl has deployed, the releases history keeps (running, newest good) stay whatever their age, and other sha tags go', () => {
    const sha = (c: string) => c.repeat(40);
    const released = [image('new', 1, [`app:${sha('a')}`]), image('bad', 2, [`app:${sha('b')}`]), image('good-old', 30, [`app:${sha('c')}`]), image('latest', 40, ['app:latest'])];
    const decisions = decideReleaseImages(released, { repository: 'app', keepReleases: 2, releases: new Set([sha('a'), sha('c')]) }, new Set(), NOW);
    expect(decisions.map((d) => [d.image.id, d.remove])).toEqual([['new', false], ['bad', true], ['good-old', false], ['latest', false]]);
    expect(decisions.find((d) => d.image.id === 'latest')?.why).toBe('not tagged with a release sha');
  });
});

describe('docker parsing', () => {
  it('repositoryOf strips the tag and digest, not a registry port', () => {
    expect(repositoryOf('toeic-app:abc')).toBe('toeic-app');
    expect(repositoryOf('registry:5000/team/app:v1')).toBe('registry:5000/team/app');
    expect(repositoryOf('registry:5000/team/app')).toBe('registry:5000/team/app');
    expect(repositoryOf('app@sha256:0123')).toBe('app');
  });

  it('reads docker inspect arrays and id lists', () => {
    expect(parseImageFacts('[{"Id":"sha256:aa","RepoTags":null,"Created":"2026-11-20T00:00:00.5Z","Size":1234}]')).toEqual([
      { id: 'sha256:aa', tags: [], createdMs: Date.parse('2026-11-20T00:00:00.5Z'), bytes: 1234 },
    ]);
    expect(parseContainerFacts('[{"Id":"c1","Name":"/web","Image":"sha256:aa","State":{"Status":"exited"},"SizeRw":42}]')).toEqual([
      { id: 'c1', name: 'web', imageId: 'sha256:aa', state: 'exited', sizeRw: 42 },
    ]);
    expect(idsOf('sha256:a\nsha256:b\nsha256:a\n')).toEqual(['sha256:a', 'sha256:b']);
  });
});

import { describe, expect, it } from 'vitest';
import { releaseDrift } from '../../../src/deploy/drift.js';
import type { Instance } from '../../../src/targets/types.js';

const v1 = '1'.repeat(40);
const v2 = '2'.repeat(40);
const at = (release: string | undefined, state = 'online'): Instance => ({ name: 'api', state, restarts: 0, ...(release ? { release } : {}) });

describe('releaseDrift: what runs against the record and the current link', () => {
  it('a Ctrl-C mid-switch as reported: both instances on v1, link and record on v2, is loud', () => {
    const drift = releaseDrift([at(v1), at(v1)], v2, v2.slice(0, 12));
    expect(drift).toMatchObject({ mixed: true, message: 'mixed: 2 instances on 1111111, link on 2222222, recorded 2222222', running: { [v1]: 2 } });
  });

  it('agreement, stopped instances and images not tagged by sha are not a mismatch', () => {
    expect(releaseDrift([at(v2), at(v2)], v2, v2.slice(0, 12))).toMatchObject({ mixed: false, message: null });
    expect(releaseDrift([at(v1, 'stopped'), at(v2)], v2, null).mixed).toBe(false);
    expect(releaseDrift([at(undefined, 'running')], v2, null).mixed).toBe(false);
  });

  it('instances on two releases are mixed, with or without a record', () => {
    expect(releaseDrift([at(v1), at(v2)], v2, null).message).toBe('mixed: 1 instance on 1111111, 1 instance on 2222222, recorded 2222222');
    expect(releaseDrift([at(v1), at(v2)], null, null).message).toBe('mixed: 1 instance on 1111111, 1 instance on 2222222, nothing recorded');
  });
});

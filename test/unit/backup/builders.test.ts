import { describe, expect, it } from 'vitest';
import { setIdFor, partialName } from '../../../src/backup/sets.js';

describe('backup set names', () => {
  it('names sets by UTC second, and partial folders by environment and pid', () => {
    expect(setIdFor(Date.parse('2026-11-23T01:51:17.123Z'))).toBe('20261123T015117Z');
    expect(partialName('production', '20261123T015117Z', 42, 'web 1')).toBe('.partial-production~20261123T015117Z-42@web_1');
  });
});

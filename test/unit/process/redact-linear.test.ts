import { describe, expect, it } from 'vitest';
import { redact, urlPasswords } from '../../../src/process/redact.js';

// The regex redact() used before it scanned by hand: the scanner must find exactly its matches.
const BACKTRACKING = /([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^/?#\s]+)@/gi;

/** A deterministic string over the characters that matter to a URL (seeded, so a failure repeats). */
function randomText(seed: number, length: number): string {
  const alphabet = 'aZ9+.-:/?#@ \tx%';
  let state = seed;
  let out = '';
  for (let i = 0; i < length; i += 1) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    out += alphabet[state % alphabet.length];
  }
  return out;
}

describe('URL passwords found in one pass', () => {
  it.each([
    ['postgres://app:hunter2@db:5432/main', 'postgres://app:***@db:5432/main'],
    ['x postgres://app:p@ss@db/main and mongodb://u:Pw9@h1,h2/x', 'x postgres://app:***@db/main and mongodb://u:***@h1,h2/x'],
    ['9+redis://:s3cret@cache', '9+redis://:***@cache'],
    ['HTTPS://u:pw@host', 'HTTPS://u:***@host'],
    ['http://host:8080/path@x and ftp://u:@h', 'http://host:8080/path@x and ftp://u:@h'],
    ['a://b:c@d://e:f@g', 'a://b:***@d://e:***@g'],
  ])('%s', (text, masked) => expect(redact(text)).toBe(masked));

  it('finds the same passwords as the backtracking regex on 2,000 seeded strings', () => {
    for (let seed = 1; seed <= 2000; seed += 1) {
      const text = randomText(seed, 40);
      const expected = [...text.matchAll(BACKTRACKING)].map((m) => ({ start: m.index + m[1]!.length, end: m.index + m[0].length - 1 }));
      expect(urlPasswords(text), text).toEqual(expected);
    }
  });

  it('returns on a long run of scheme characters that never becomes a URL', () => {
    const text = `${'aZ9+.-'.repeat(200_000)}:/x`;
    expect(redact(text)).toBe(text);
  });
});

import { describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../../src/databases/connection.js';
import { ConfigError } from '../../../src/errors.js';

const PG = ['postgres:', 'postgresql:'];

function refusal(url: string): ConfigError {
  try {
    parseConnectionUrl(url, 'databases.main.url', PG);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the URL was accepted');
}

describe('an unencoded "?" in the user or password', () => {
  it.each([
    ['postgresql://postgres:p@ss/w:rd?x#y%z@127.0.0.1:5432/appdb', ['ss/w', 'rd?x', 'y%z']],
    ['postgresql://postgres:p@ss?topsecret9@127.0.0.1:5432/appdb', ['topsecret9', 'ss?']],
    ['postgresql://postgres:Secr3t?Tail42@127.0.0.1:5432/appdb', ['Secr3t', 'Tail42']],
  ])('%s is refused without repeating any part of it', (url, parts) => {
    const error = refusal(url);
    expect(error.message).toMatch(/^databases\.main\.url: the user and password cannot be told apart from the host/);
    const shown = JSON.stringify({ message: error.message, hint: error.hint, details: error.details });
    for (const part of [...parts, 'postgres:', '127.0.0.1']) expect(shown).not.toContain(part);
  });

  it('the same passwords percent-encoded parse, and an "@" in the query of a URL without userinfo is still left alone', () => {
    expect(parseConnectionUrl('postgresql://postgres:Secr3t%3FTail42@127.0.0.1:5432/appdb', 'k', PG)).toMatchObject({ password: 'Secr3t?Tail42', port: 5432, safeUrl: 'postgresql://postgres@127.0.0.1:5432/appdb' });
    expect(parseConnectionUrl('postgresql://postgres:p%40ss%2Fw%3Ard%3Fx%23y%25z@127.0.0.1/appdb', 'k', PG)).toMatchObject({ password: 'p@ss/w:rd?x#y%z' });
    expect(parseConnectionUrl('postgresql://db/app?application_name=a@b', 'k', PG)).toMatchObject({ host: 'db', database: 'app' });
  });
});

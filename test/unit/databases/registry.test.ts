import { describe, expect, it } from 'vitest';
import { adapterForUrl, backupAdapter, databaseAdapter, databaseAdapters } from '../../../src/databases/index.js';
import { DATABASE_KINDS } from '../../../src/databases/kinds.js';
import { ConfigError } from '../../../src/errors.js';

describe('the database registry: the one place a kind is dispatched', () => {
  it('has one adapter for every kind the config accepts, each answering to its own name', () => {
    expect(databaseAdapters().map((a) => a.kind)).toEqual([...DATABASE_KINDS]);
    for (const kind of DATABASE_KINDS) expect(databaseAdapter(kind).kind).toBe(kind);
  });

  it('gives opsctl init the .env keys of each kind, in the order it has always looked them up', () => {
    expect(databaseAdapters().flatMap((a) => a.dotenvKeys.map((k) => `${k.variable}=${a.kind}:${k.name}`))).toEqual(['DATABASE_URL=postgres:main', 'MONGO_URI=mongo:mongo', 'MONGODB_URI=mongo:mongo', 'REDIS_URL=redis:redis']);
  });

  it("names each part's file and the client tools doctor asks for", () => {
    const facts = Object.fromEntries(databaseAdapters().map((a) => [a.kind, { file: a.backup?.fileName('main'), tools: a.tools }]));
    expect(facts).toEqual({
      postgres: { file: 'main.pgdump', tools: { backup: ['pg_dump', 'pg_restore', 'psql'], probe: ['psql'] } },
      mongo: { file: 'main.archive.gz', tools: { backup: ['mongodump', 'mongorestore'], probe: ['mongosh'] } },
      redis: { file: undefined, tools: { backup: [], probe: ['redis-cli'] } },
    });
  });

  it('an unknown kind is a ConfigError naming the known ones', () => {
    expect(() => databaseAdapter('mysql', 'databases.main.type')).toThrow(ConfigError);
    try {
      databaseAdapter('mysql', 'databases.main.type');
    } catch (error) {
      expect((error as ConfigError).message).toBe('databases.main.type: unknown database type "mysql".');
      expect((error as ConfigError).hint).toBe('Use one of: postgres, mongo, redis.');
    }
  });

  it("redis cannot be backed up: today's message, the kinds that can in the hint", () => {
    expect(() => backupAdapter('redis', 'databases.cache.url')).toThrow('databases.cache.url: redis databases cannot be backed up by opsctl.');
    try {
      backupAdapter('redis', 'databases.cache.url');
    } catch (error) {
      expect((error as ConfigError).hint).toBe('Back up postgres and mongo databases; leave redis out of backup.databases.');
    }
    expect(backupAdapter('postgres', 'k').backup.fileName('x')).toBe('x.pgdump');
  });

  it("finds the adapter by the URL's scheme, any case; none for a scheme no adapter has", () => {
    const kindOf = (url: string) => adapterForUrl(url)?.kind;
    expect(['postgres://db/x', 'POSTGRESQL://db/x', 'mongodb+srv://c/x', 'mongodb://m/x', 'rediss://c', 'redis://c'].map(kindOf)).toEqual(['postgres', 'postgres', 'mongo', 'mongo', 'redis', 'redis']);
    expect(['mysql://db/x', 'db.internal/shop', ''].map(kindOf)).toEqual([undefined, undefined, undefined]);
  });
});

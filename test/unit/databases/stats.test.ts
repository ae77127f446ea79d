import { describe, expect, it } from 'vitest';
import { readMongoStats } from '../../../src/databases/mongo-stats.js';
import { quoteTable, readPostgresStats } from '../../../src/databases/postgres/stats.js';
import { parseInfo, readRedisStats } from '../../../src/databases/redis-stats.js';
import { judgeHitRate, judgeUse, maskQuery } from '../../../src/databases/stats.js';

describe('the manuals\' alert thresholds', () => {
  it('use: over 80% degraded, over 90% unhealthy', () => {
    expect([judgeUse('x', 80).state, judgeUse('x', 81).state, judgeUse('x', 91).state, judgeUse('x', null).state]).toEqual(['healthy', 'degraded', 'unhealthy', 'healthy']);
  });
  it('hit rate: under 90% degraded, under 80% unhealthy', () => {
    expect([judgeHitRate(90).state, judgeHitRate(89.9).state, judgeHitRate(79).state, judgeHitRate(null).state]).toEqual(['healthy', 'degraded', 'unhealthy', 'healthy']);
  });
});

describe('maskQuery', () => {
  it('keeps the first line with literals and numbers masked', () => {
    expect(maskQuery("select * from users where email = 'a@b.c' and id = 42\n  order by 1")).toBe("select * from users where email = '?' and id = ?");
    expect(maskQuery("select 'it''s'")).toBe("select '?'");
    expect(maskQuery('x'.repeat(300))).toHaveLength(120);
  });
});

describe('quoteTable', () => {
  it('quotes identifiers and refuses what is no table name', () => {
    expect(quoteTable('public.users')).toBe('"public"."users"');
    expect(quoteTable('a"b')).toBe('"a""b"');
    expect(() => quoteTable('a.b.c')).toThrow(/not a table name/);
  });
});

describe('readers', () => {
  it('postgres: connections against max_connections, slow queries make it degraded', () => {
    const stdout = JSON.stringify({ size: 9000, max_connections: 10, connections: { active: 7, idle: 2 }, slow: [{ pid: 7, ms: 400000, datname: 'shop', usename: 'app', query: "select pg_sleep(600) -- 'x'" }], tables: [], replicas: [] });
    const stats = readPostgresStats('main', 'postgresql://app@h/shop', stdout);
    expect(stats.state).toBe('degraded');
    expect(stats.figures).toMatchObject({ connections: 9, connectionsPercent: 90, 'connections.active': 7 });
    expect(stats.reasons).toEqual(['connections at 90% (over 80%)', '1 slow query']);
    expect(stats.slowQueries![0]!.query).toBe("select pg_sleep(?) -- '?'");
  });
  it('redis: INFO lines, memory against maxmemory only when one is set', () => {
    const info = '# Memory\r\nused_memory:950\r\nmaxmemory:1000\r\n# Stats\r\nkeyspace_hits:95\r\nkeyspace_misses:5\r\nevicted_keys:3\r\nredis_version:7.0.15\r\n';
    expect(parseInfo(info).get('redis_version')).toBe('7.0.15');
    const stats = readRedisStats('cache', 'redis://h', info);
    expect(stats).toMatchObject({ state: 'unhealthy', figures: { memoryPercent: 95, hitRatePercent: 95, evictedKeys: 3 } });
    expect(readRedisStats('cache', 'redis://h', info.replace('maxmemory:1000', 'maxmemory:0')).state).toBe('healthy');
  });
  it('mongo: the last line of mongosh\'s output', () => {
    const stats = readMongoStats('docs', 'mongodb://h/shop', `warning first\n${JSON.stringify({ db: { collections: 2 }, connections: { current: 95, available: 5 } })}`);
    expect(stats).toMatchObject({ state: 'unhealthy', figures: { collections: 2, connectionsPercent: 95 } });
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findTables, parseToc, restoreList } from '../../../src/databases/postgres/tables.js';

const listing = readFileSync(new URL('../../fixtures/postgres/pg-restore-list-verbose.txt', import.meta.url), 'utf8');
const entries = parseToc(listing);
const names = (list: string) => list.trim().split('\n').map((line) => line.replace(/^\d+; \d+ \d+ /, '').replace(/ postgres$/, ''));

describe('postgres --tables: the pg_restore -L list from pg_restore --list --verbose', () => {
  it('reads every entry with its dependencies, and which are tables', () => {
    expect(entries).toHaveLength(25);
    expect(entries.filter((e) => e.table).map((e) => `${e.table!.schema}.${e.table!.name}`)).toEqual(['audit.users', 'public.orders', 'public.user_sessions', 'public.users']);
    expect(entries.find((e) => e.line.includes('FK CONSTRAINT public orders'))?.deps).toEqual([218, 3215, 216]);
  });

  it('a table comes with its data, sequence, default, indexes, constraints and the foreign keys pointing at it; other tables stay out', () => {
    const list = restoreList(entries, findTables(entries, ['public.users'], 'main'));
    expect(names(list)).toEqual([
      'TABLE public users',
      'SEQUENCE public users_id_seq',
      'SEQUENCE OWNED BY public users_id_seq',
      'DEFAULT public users id',
      'TABLE DATA public users',
      'SEQUENCE SET public users_id_seq',
      'CONSTRAINT public users users_email_key',
      'CONSTRAINT public users users_pkey',
      'INDEX public users_email_lower',
      'FK CONSTRAINT public orders orders_user_id_fkey',
      'FK CONSTRAINT public user_sessions user_sessions_user_id_fkey',
    ]);
    expect(list).not.toMatch(/TABLE (DATA )?public orders|audit/);
  });

  it('a bare name is found in its one schema; an ambiguous or unknown one is a usage error naming the tables', () => {
    expect(findTables(entries, ['user_sessions', 'user_sessions'], 'main').map((e) => e.id)).toEqual([217]);
    expect(() => findTables(entries, ['users'], 'main')).toThrow('part main holds audit.users and public.users');
    expect(() => findTables(entries, ['accounts'], 'main')).toThrow(/--tables accounts: part main holds no such table/);
    try {
      findTables(entries, ['accounts'], 'main');
    } catch (error) {
      expect((error as { hint?: string }).hint).toBe('Its tables: audit.users, public.orders, public.user_sessions, public.users.');
    }
  });
});

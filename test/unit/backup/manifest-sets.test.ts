import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../../src/backup/manifest.js';
import { planPrune } from '../../../src/backup/prune.js';
import { findSet, listSets, skippedSets } from '../../../src/backup/sets.js';
import { UsageError } from '../../../src/errors.js';
import { caught, tempDir } from '../helpers.js';

const part = { name: 'main', kind: 'postgres', file: 'main.pgdump', bytes: 10, sha256: 'a'.repeat(64), tool: 'pg_dump 15.18', source: 'postgresql://app@db/shop' };
const manifest = (over: Record<string, unknown> = {}) => ({ format: 1, app: 'shop', environment: 'production', createdAt: '2026-11-23T02:00:00.000Z', durationMs: 5, host: 'h', opsctlVersion: '0.1.0', bytes: 10, parts: [part], ...over });

function writeSet(dir: string, id: string, content: unknown): void {
  mkdirSync(path.join(dir, id), { recursive: true });
  writeFileSync(path.join(dir, id, 'manifest.json'), JSON.stringify(content));
}

describe('manifest validation: a set that cannot be read is skipped and named, never crashes', () => {
  it.each([
    ['a createdAt that is no date', manifest({ createdAt: 'garbage' }), /^manifest\.json is not valid: createdAt "garbage" Invalid ISO datetime$/],
    ['a part named constructor', manifest({ parts: [{ ...part, name: 'constructor' }] }), /^manifest\.json is not valid: parts\.0\.name "constructor" is a reserved word$/],
    ['a part file that is the manifest', manifest({ parts: [{ ...part, file: 'manifest.json' }] }), /parts\.0\.file "manifest\.json" is the manifest/],
    ['a part file that is a parent folder', manifest({ parts: [{ ...part, file: '..' }] }), /parts\.0\.file "\.\." Invalid string/],
    ['the same part twice', manifest({ parts: [part, { ...part, file: 'other.pgdump' }] }), /parts name the same part twice/],
  ])('refuses %s', async (_what, content, problem) => {
    const dir = tempDir();
    writeSet(dir, 'x', content);
    const read = await readManifest(path.join(dir, 'x'));
    expect('problem' in read && read.problem).toMatch(problem);
  });

  it('list, prune and restore skip a set with createdAt "garbage": listed as incomplete, never pruned nor counted, named in one warning', async () => {
    const dir = tempDir();
    writeSet(dir, '20261120T020000Z', manifest({ createdAt: '2026-11-20T02:00:00.000Z' }));
    writeSet(dir, '20261123T020000Z', manifest({ createdAt: 'garbage' }));
    writeSet(dir, '20261122T020000Z', manifest({ createdAt: '2026-11-22T02:00:00Z' }));
    const listing = await listSets(dir, 'production');
    expect(listing.sets.map((s) => s.id)).toEqual(['20261122T020000Z', '20261120T020000Z']);
    expect(skippedSets(listing, dir)).toEqual([`skipped ${path.join(dir, '20261123T020000Z')}: manifest.json is not valid: createdAt "garbage" Invalid ISO datetime; it is neither listed, restored nor pruned until fixed or removed`]);
    const plan = planPrune(listing.sets, { daily: 1 }, Date.parse('2026-11-24T00:00:00Z'));
    expect(plan.remove.map((d) => d.id)).toEqual(['20261120T020000Z']);
    expect([...plan.keep, ...plan.remove].map((d) => d.id)).not.toContain('20261123T020000Z');

    const warnings: string[] = [];
    expect((await findSet(dir, 'production', 'latest', (m) => warnings.push(m))).id).toBe('20261122T020000Z');
    expect(warnings).toHaveLength(1);
    const error = await caught(findSet(dir, 'production', '20261123T020000Z'));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('20261123T020000Z is not a usable backup set: manifest.json is not valid: createdAt');
  });
});

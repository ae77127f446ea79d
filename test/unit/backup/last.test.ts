import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastBackup, renderLastBackup } from '../../../src/backup/last.js';
import { findSet } from '../../../src/backup/sets.js';
import type { SelectedEnvironment } from '../../../src/config/select.js';
import { createStyle } from '../../../src/output/style.js';
import { tempDir } from '../helpers.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');

function envIn(dir: string, backup?: object): SelectedEnvironment {
  return { name: 'production', app: 'shop', dir, envFile: path.join(dir, '.env'), stateDir: path.join(dir, '.opsctl'), config: { backup } as never };
}

function writeSet(dir: string, id: string, createdAt: string, environment = 'production', extra: object = {}) {
  mkdirSync(path.join(dir, 'backups', id), { recursive: true });
  const manifest = { format: 1, app: 'shop', environment, createdAt, durationMs: 5, host: 'h', opsctlVersion: '0.1.0', bytes: 2048, parts: [{ name: 'main', kind: 'postgres', file: 'main.pgdump', bytes: 2048, sha256: 'a'.repeat(64), tool: 'pg_dump 15.18', source: 'postgresql://u@h/db' }], ...extra };
  writeFileSync(path.join(dir, 'backups', id, 'manifest.json'), JSON.stringify(manifest));
}

describe('lastBackup (status line)', () => {
  it('is null without a backup section', async () => {
    expect(await lastBackup(envIn(tempDir()), NOW)).toBeNull();
  });

  it('says none yet when the folder has no complete set of this environment', async () => {
    const dir = tempDir();
    writeSet(dir, '20261122T020000Z', '2026-11-22T02:00:00.000Z', 'staging');
    mkdirSync(path.join(dir, 'backups', '.partial-production-x-1'));
    const last = await lastBackup(envIn(dir, { dir: 'backups' }), NOW);
    expect(last).toMatchObject({ id: null });
    expect(renderLastBackup(last!, createStyle(false))).toBe(`none yet in ${path.join(dir, 'backups')} (opsctl backup)`);
  });

  it('shows the newest set, its age and size', async () => {
    const dir = tempDir();
    writeSet(dir, '20261121T020000Z', '2026-11-21T02:00:00.000Z');
    writeSet(dir, '20261123T020000Z', '2026-11-23T02:00:00.000Z');
    const last = await lastBackup(envIn(dir, { dir: 'backups' }), NOW);
    expect(last).toMatchObject({ id: '20261123T020000Z', ageMs: 10 * 3_600_000, bytes: 2048 });
    expect(renderLastBackup(last!, createStyle(false))).toBe('20261123T020000Z 10h ago (2.0 KB)');
  });

  it('a safety set is neither the last backup nor `latest`', async () => {
    const dir = tempDir();
    writeSet(dir, '20261121T020000Z', '2026-11-21T02:00:00.000Z');
    writeSet(dir, '20261123T020000Z', '2026-11-23T02:00:00.000Z', 'production', { kind: 'safety', reason: 'safety before restore of 20261121T020000Z' });
    expect(await lastBackup(envIn(dir, { dir: 'backups' }), NOW)).toMatchObject({ id: '20261121T020000Z' });
    expect((await findSet(path.join(dir, 'backups'), 'production', 'latest')).id).toBe('20261121T020000Z');
    expect((await findSet(path.join(dir, 'backups'), 'production', '20261123T020000Z')).manifest.kind).toBe('safety');
  });
});

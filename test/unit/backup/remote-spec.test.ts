import { describe, expect, it } from 'vitest';
import { missingSets } from '../../../src/backup/remote/upload.js';
import { copyCommand, listCommand } from '../../../src/backup/remote/rclone.js';
import { join, oneRemote, remotesOf } from '../../../src/backup/remote/spec.js';
import type { Manifest } from '../../../src/backup/manifest.js';
import type { RemoteListing } from '../../../src/backup/remote/listing.js';
import { createTestContext } from '../../support/context.js';
import { caught } from '../helpers.js';

const CONFIG = `version: 1
app: shop
environments:
  production:
    target: { pm2: { name: shop, script: app.js } }
    databases: { main: { type: postgres, url: "postgresql://app@db/shop" } }
    backup:
      databases: [main]
      retention: { daily: 7 }
      remotes:
        - { name: s3, type: s3, endpoint: "http://127.0.0.1:9000", bucket: acme-backups, prefix: /shop/, accessKeyId: "\${KEY_ID}", secretAccessKey: "\${SECRET}" }
        - { name: nas, type: rclone, remote: "nas:", retention: { weekly: 4 } }
`;

const later = (fn: () => unknown) => Promise.resolve().then(fn);
const manifest = (createdAt: string, kind?: 'safety'): Manifest => ({ createdAt, ...(kind ? { kind } : {}) }) as Manifest;
const set = (id: string, createdAt: string, kind?: 'safety') => ({ id, dir: `/b/${id}`, manifest: manifest(createdAt, kind) });

describe('backup remotes', () => {
  it('joins rclone paths without a slash after a remote root', () => {
    expect(join('nas:', 'production', 'x')).toBe('nas:production/x');
    expect(join(':s3:bucket', '/shop/', 'production')).toBe(':s3:bucket/shop/production');
    expect(join('/srv/off', '', 'production')).toBe('/srv/off/production');
  });

  it('gives S3 keys to rclone in its environment only, never in argv', () => {
    const { ctx } = createTestContext({ config: CONFIG, env: { KEY_ID: 'AKIAUNIT', SECRET: 'unit-secret-value' } });
    const [s3, nas] = remotesOf(ctx.environment());
    expect(s3!.base).toBe(':s3:acme-backups/shop/production');
    const cmd = copyCommand(s3!, '/b/x/main.pgdump', `${s3!.base}/x/main.pgdump`);
    expect(cmd.args.join(' ')).not.toMatch(/AKIAUNIT|unit-secret-value/);
    expect(cmd.env).toMatchObject({ RCLONE_S3_ACCESS_KEY_ID: 'AKIAUNIT', RCLONE_S3_SECRET_ACCESS_KEY: 'unit-secret-value', RCLONE_S3_PROVIDER: 'Other', RCLONE_S3_ENDPOINT: 'http://127.0.0.1:9000' });
    expect(listCommand(nas!).readOnly).toBe(true);
    expect(cmd.readOnly).toBe(false);
    expect(s3!.retention).toEqual({ daily: 7 });
    expect(nas!.retention).toEqual({ weekly: 4 });
  });

  it('an unset key is a config error naming the key; an unknown or ambiguous remote a usage error', async () => {
    const { ctx } = createTestContext({ config: CONFIG, env: { KEY_ID: 'AKIAUNIT' } });
    expect(await caught(later(() => remotesOf(ctx.environment(), 's3')))).toMatchObject({ code: 'config', message: expect.stringContaining('backup.remotes[0].secretAccessKey') });
    expect(await caught(later(() => remotesOf(ctx.environment(), 'tape')))).toMatchObject({ code: 'usage', hint: 'Its remotes: s3, nas.' });
    const both = createTestContext({ config: CONFIG, env: { KEY_ID: 'AKIAUNIT', SECRET: 'unit-secret-value' } }).ctx;
    expect(await caught(later(() => oneRemote(both.environment(), undefined)))).toMatchObject({ code: 'usage', hint: 'Pass --from <name> (s3, nas).' });
  });

  it('uploads what the remote lacks: newer sets and half-uploaded ones, oldest first, never safety sets', () => {
    const local = [set('d', '2026-11-04T02:00:00Z'), set('s', '2026-11-03T12:00:00Z', 'safety'), set('c', '2026-11-03T02:00:00Z'), set('b', '2026-11-02T02:00:00Z'), set('a', '2026-11-01T02:00:00Z')];
    const listing = { remote: 'nas', sets: [{ id: 'b', manifest: manifest('2026-11-02T02:00:00Z'), files: new Map() }], incomplete: [{ id: 'a', manifest: null, files: new Map(), problem: 'no manifest.json' }] } as RemoteListing;
    expect(missingSets(listing, local).map((s) => s.id)).toEqual(['a', 'c', 'd']);
  });
});

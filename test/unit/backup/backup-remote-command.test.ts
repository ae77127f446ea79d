import { describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/backup.js';
import { createTestContext } from '../../support/context.js';

const CONFIG = `version: 1
app: shop
environments:
  production:
    target: { pm2: { name: shop, script: app.js } }
    databases: { main: { type: postgres, url: "postgresql://app@db:5432/shop" } }
    backup:
      databases: [main]
      retention: { daily: 7 }
      remotes: [{ name: nas, type: rclone, remote: "nas:shop", retention: { daily: 1 } }]
`;
const BASE = 'nas:shop/production';
const LIMITS = ['--low-level-retries', '3', '--contimeout', '15s', '--timeout', '5m'];
const LIST = ['lsjson', ...LIMITS, '--recursive', '--max-depth', '2', '--files-only', '--no-mimetype', '--no-modtime', BASE];
const manifest = (createdAt: string) =>
  JSON.stringify({ format: 1, app: 'shop', environment: 'production', createdAt, durationMs: 1, host: 'h', opsctlVersion: '1', bytes: 9, parts: [{ name: 'main', kind: 'postgres', file: 'main.pgdump', bytes: 9, sha256: 'a'.repeat(64), tool: 'pg_dump 15', source: 'postgresql://app@db/shop' }] });
const entries = (ids: string[]) => JSON.stringify(ids.flatMap((id) => [{ Path: `${id}/main.pgdump`, Size: 9 }, { Path: `${id}/manifest.json`, Size: 300 }]).concat([{ Path: '20261102T020000Z/main.pgdump', Size: 4 }]));

describe('backup remotes (scripted rclone)', () => {
  it('list --remote reads each manifest; a folder without one is an unfinished upload, not a set', async () => {
    const t = createTestContext({
      config: CONFIG,
      commands: [
        { file: 'rclone', args: LIST, stdout: entries(['20261103T020000Z']), readOnly: true },
        { file: 'rclone', args: ['cat', ...LIMITS, `${BASE}/20261103T020000Z/manifest.json`], stdout: manifest('2026-11-03T02:00:00.000Z'), readOnly: true },
      ],
    });
    const { data } = await run(t.ctx, { remote: true }, ['list']);
    expect(data).toMatchObject({ action: 'list-remote', remotes: [{ remote: 'nas', sets: [{ id: '20261103T020000Z', parts: ['main'] }], incomplete: [{ id: '20261102T020000Z' }] }] });
  });

  it('prune --remote --dry-run plans by the remote retention and removes nothing', async () => {
    const ids = ['20261105T020000Z', '20261104T020000Z'];
    const t = createTestContext({
      config: CONFIG,
      dryRun: true,
      now: () => Date.parse('2026-11-05T03:00:00Z'),
      commands: [
        { file: 'rclone', args: LIST, stdout: entries(ids), readOnly: true },
        ...ids.map((id) => ({ file: 'rclone', args: ['cat', ...LIMITS, `${BASE}/${id}/manifest.json`], stdout: manifest(`${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T02:00:00.000Z`), readOnly: true })),
      ],
    });
    const { data } = await run(t.ctx, { remote: 'nas' }, ['prune']);
    if (data.action !== 'prune-remote') throw new Error(data.action);
    expect(data.remotes[0]!.plan.remove.map((d) => d.id)).toEqual(['20261104T020000Z']);
    expect(data.remotes[0]!.removed).toEqual([]);
    expect(t.logs.join('\n')).toContain('would remove 20261104T020000Z from nas');
  });

  it('a remote that is not configured is a usage error', async () => {
    const t = createTestContext({ config: CONFIG });
    await expect(run(t.ctx, { remote: 'tape' }, ['list'])).rejects.toMatchObject({ code: 'usage', hint: 'Its remotes: nas.' });
  });
});

import { describe, expect, it } from 'vitest';
import { listWords } from '../../../src/completion/environments.js';
import { createTestContext } from '../../support/context.js';

const CONFIG = `
version: 1
app: shop
environments:
  production:
    target: { pm2: { script: app.js } }
    backup: { remotes: [{ name: nas, type: rclone, remote: 'nas:sets' }, { name: offsite, type: rclone, remote: 'b2:sets' }] }
  staging:
    target: { pm2: { script: app.js } }
    backup: { remotes: [{ name: nas, type: rclone, remote: 'nas:staging' }] }
`;

describe('listWords: the names completion asks for', () => {
  it('remotes: those of the chosen environment, else of every environment once each', async () => {
    expect(await listWords(createTestContext({ config: CONFIG, environment: 'production' }).ctx, 'remotes')).toEqual(['nas', 'offsite']);
    expect(await listWords(createTestContext({ config: CONFIG, environment: 'staging' }).ctx, 'remotes')).toEqual(['nas']);
    expect(await listWords(createTestContext({ config: CONFIG }).ctx, 'remotes')).toEqual(['nas', 'offsite']);
  });
  it('environments: every environment of the config', async () => {
    expect(await listWords(createTestContext({ config: CONFIG }).ctx, 'environments')).toEqual(['production', 'staging']);
  });
  it('nothing for a broken config or an unknown list: a shell completing a word must not see errors', async () => {
    expect(await listWords(createTestContext({ config: 'version: 1\nenvironments: [' }).ctx, 'remotes')).toEqual([]);
    expect(await listWords(createTestContext({ config: CONFIG, environment: 'nowhere' }).ctx, 'remotes')).toEqual([]);
    expect(await listWords(createTestContext({ config: CONFIG }).ctx, 'secrets')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../../src/config/schema.js';
import { needsOf } from '../../../src/doctor/needs.js';

const pm2 = { target: { pm2: { script: 'app.js' } } };
const needs = (backup?: object) => needsOf(environmentSchema.parse({ ...pm2, ...(backup ? { backup } : {}) }));
const nas = { name: 'nas', type: 'rclone', remote: 'nas:backups' };
const s3 = { name: 'offsite', type: 's3', bucket: 'sets', accessKeyId: '${S3_KEY}', secretAccessKey: '${S3_SECRET}' };
const encrypt = { recipients: ['age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq'] };

describe('needsOf: the backup\'s own tools', () => {
  it('needs neither rclone nor age for a backup that stays local and plain, nor without a backup', () => {
    expect(needs({ files: ['uploads'] })).toEqual(new Set(['pm2']));
    expect(needs()).toEqual(new Set(['pm2']));
  });

  it('needs rclone when backup.remotes has an entry, of either type (S3 goes through rclone too)', () => {
    expect(needs({ remotes: [nas] })).toEqual(new Set(['pm2', 'rclone']));
    expect(needs({ remotes: [s3] })).toEqual(new Set(['pm2', 'rclone']));
  });

  it('needs age when backup.encrypt is set, and both when both are', () => {
    expect(needs({ encrypt })).toEqual(new Set(['pm2', 'age']));
    expect(needs({ encrypt, remotes: [nas, s3] })).toEqual(new Set(['pm2', 'age', 'rclone']));
  });
});

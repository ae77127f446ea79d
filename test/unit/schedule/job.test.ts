import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { buildJob, defaultName, scheduleId, type JobInput } from '../../../src/schedule/job.js';

// Absolute on this machine: /srv/shop here, Z:\srv\shop (the current drive) on Windows, as buildJob resolves it.
const shop = path.resolve('/srv/shop');

const input: JobInput = {
  self: ['C:\\Program Files\\nodejs\\node.exe', 'C:\\opsctl\\bin\\opsctl.js'],
  command: ['backup', 'prune'],
  app: 'shop',
  environment: 'production',
  configFile: path.join(shop, 'opsctl.yaml'),
  stateDir: path.join(shop, '.opsctl'),
  yes: false,
};

describe('buildJob', () => {
  it('runs opsctl itself with the command, then -e and -c pinned', () => {
    const job = buildJob(input);
    expect(job.argv).toEqual([...input.self, 'backup', 'prune', '-e', 'production', '-c', path.join(shop, 'opsctl.yaml')]);
    expect(job).toMatchObject({ name: 'shop-production-backup-prune', id: scheduleId('shop-production-backup-prune'), cwd: shop });
    expect(job.logFile).toBe(path.join(shop, '.opsctl', 'logs', 'shop-production-backup-prune.log'));
  });
  it('passes --yes on when schedule was given it, once', () => {
    expect(buildJob({ ...input, yes: true }).argv.at(-1)).toBe('--yes');
    expect(buildJob({ ...input, command: ['cleanup', '-y'], yes: true }).argv.filter((a) => a === '--yes')).toEqual([]);
  });
  it.each([['-e'], ['--env=staging'], ['--environment'], ['-c'], ['--config']])('refuses %s after -- (schedule pins it)', (flag) => {
    expect(() => buildJob({ ...input, command: ['backup', flag, 'x'] })).toThrow(UsageError);
  });
  it('takes --name and refuses names cron or schtasks could not carry', () => {
    expect(buildJob({ ...input, name: 'nightly.db_backup' }).name).toBe('nightly.db_backup');
    expect(() => buildJob({ ...input, name: 'two words' })).toThrow('is not a usable schedule name');
    expect(() => buildJob({ ...input, name: '-x' })).toThrow(UsageError);
  });
  it('derives names from the command words before the first option, never from option values', () => {
    expect(defaultName('shop', 'prod', ['cleanup', '--only', 'docker'])).toBe('shop-prod-cleanup');
    expect(defaultName('shop', 'prod', ['logs', '--grep', 'a b/c'])).toBe('shop-prod-logs');
    expect(defaultName('shop', 'prod', ['backup', 'prune'])).toBe('shop-prod-backup-prune');
    expect(defaultName('shop', 'prod', ['restore', 'latest', '--to', 'main_copy'])).toBe('shop-prod-restore-latest');
  });
  it.each([['--to', 'postgres://u:Pw0rd@db/x'], ['--to=mongodb+srv://admin:s3cret@cluster0/x', '']])('refuses a URL with a password (%s %s): it would sit in the crontab', (...args) => {
    const attempt = () => buildJob({ ...input, command: ['restore', 'latest', ...args.filter(Boolean)] });
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow('is a URL with a password');
    expect(attempt).not.toThrow(/Pw0rd|s3cret/);
  });
  it('takes URLs without a password', () => {
    expect(buildJob({ ...input, command: ['restore', 'latest', '--to', 'postgres://db.internal/x'] }).name).toBe('shop-production-restore-latest');
  });
});

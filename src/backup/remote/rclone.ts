import { command, type Command } from '../../process/command.js';
import type { RemoteSpec } from './spec.js';

/**
 * rclone commands as values. Reads are read-only (they run under --dry-run); writes are not. The
 * remote's own environment (S3 keys) travels in `env` only. `--config` stays rclone's own, so a
 * generic remote (`mybackup:path`) uses the user's rclone.conf.
 */
/** The oldest rclone that takes every flag below (doctor checks it): lsjson's --no-mimetype came last, in 1.51. */
export const RCLONE_MINIMUM = { version: '1.51', because: 'lsjson --no-mimetype' } as const;

// A remote that is down fails in seconds, not minutes (rclone's defaults retry 10 times with backoff at each level).
const LIMITS = ['--low-level-retries', '3', '--contimeout', '15s', '--timeout', '5m'];
const QUIET = ['--retries', '3', '--retries-sleep', '2s', ...LIMITS, '--stats', '0'];

export function listCommand(remote: RemoteSpec): Command {
  return command('rclone', ['lsjson', ...LIMITS, '--recursive', '--max-depth', '2', '--files-only', '--no-mimetype', '--no-modtime', remote.base], { env: remote.env, readOnly: true });
}

export function catCommand(remote: RemoteSpec, path: string): Command {
  return command('rclone', ['cat', ...LIMITS, path], { env: remote.env, readOnly: true });
}

/** One file up or down, streamed by rclone (multipart above its cutoff for S3). */
export function copyCommand(remote: RemoteSpec, from: string, to: string): Command {
  return command('rclone', ['copyto', ...QUIET, from, to], { env: remote.env, readOnly: false });
}

/** Down into a scratch folder of opsctl's own, removed after use: it changes nothing, so --dry-run can verify what it would restore. */
export function downloadCommand(remote: RemoteSpec, from: string, to: string): Command {
  return command('rclone', ['copyto', ...QUIET, from, to], { env: remote.env, readOnly: true });
}

export function deleteFileCommand(remote: RemoteSpec, path: string): Command {
  return command('rclone', ['deletefile', ...LIMITS, path], { env: remote.env, readOnly: false });
}

/** A whole set folder: `purge` removes it and everything below. */
export function purgeCommand(remote: RemoteSpec, path: string): Command {
  return command('rclone', ['purge', ...QUIET, path], { env: remote.env, readOnly: false });
}

import { OpsError } from '../errors.js';

/**
 * A failed read or write in the state folder (journal, lock, the folder itself) as an OpsError that says what
 * opsctl was doing, where, and what to do, instead of a bare ENOSPC or EROFS with "report it".
 * Anything that is not a filesystem error is returned unchanged.
 */
export function stateFileError(error: unknown, operation: string, file: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!code || error instanceof OpsError) return error;
  const [what, hint] = explain(code, file);
  return new OpsError(`Could not ${operation} (${file}): ${what}.`, hint, { code, path: file, operation });
}

function explain(code: string, file: string): [string, string] {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return ['no space left on the disk', `Free space on the disk that holds ${file} (or raise the quota), then run again.`];
    case 'EROFS':
      return ['the filesystem is read-only', 'Choose a stateDir on a writable disk (environments.<name>.stateDir in the config), or remount that disk read-write.'];
    case 'EACCES':
    case 'EPERM':
      return ['permission denied', 'Give the user running opsctl write access there, or choose another stateDir in the config.'];
    case 'EISDIR':
      return ['a folder is in the way of a file', 'Move that folder away; opsctl keeps a file there.'];
    case 'ENOTDIR':
    case 'EEXIST':
      return ['a file is in the way of a folder', 'Move that file away, or choose another stateDir in the config.'];
    case 'ENOENT':
      return ['a folder on the way does not exist (a broken link, or removed meanwhile)', 'Check the stateDir path in the config, then run again.'];
    default:
      return [`the filesystem refused (${code})`, 'Check that stateDir is a writable folder, then run again.'];
  }
}

/** `work`, with a filesystem failure turned into the OpsError above. */
export function inStateDir<T>(work: Promise<T>, operation: string, file: string): Promise<T> {
  return work.catch((error: unknown) => Promise.reject(stateFileError(error, operation, file)));
}

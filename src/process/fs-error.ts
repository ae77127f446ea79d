import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { OpsError } from '../errors.js';

/**
 * A failed read or write in a folder opsctl keeps (the state folder: journal, lock; backup.dir) as an
 * OpsError that says what opsctl was doing, where, and what to do, instead of a bare ENOSPC or EROFS with
 * "report it". `setting` is the config key that moves the folder. Anything that is not a filesystem error
 * is returned unchanged.
 */
export function folderFileError(error: unknown, operation: string, file: string, setting = 'stateDir'): unknown {
  const said = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!said || error instanceof OpsError) return error;
  const code = said === 'ENOENT' ? (ancestorRefusal(file) ?? said) : said;
  const [what, hint] = explain(code, file, setting);
  return new OpsError(`Could not ${operation} (${file}): ${what}.`, hint, { code, path: file, operation });
}

function explain(code: string, file: string, setting: string): [string, string] {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return ['no space left on the disk', `Free space on the disk that holds ${file} (or raise the quota), then run again.`];
    case 'EROFS':
      return ['the filesystem is read-only', `Choose a ${setting} on a writable disk (environments.<name>.${setting} in the config), or remount that disk read-write.`];
    case 'EACCES':
    case 'EPERM':
      return ['permission denied', `Give the user running opsctl write access there, or choose another ${setting} in the config.`];
    case 'EISDIR':
      return ['a folder is in the way of a file', 'Move that folder away; opsctl keeps a file there.'];
    case 'ENOTDIR':
    case 'EEXIST':
      return ['a file is in the way of a folder', `Move that file away, or choose another ${setting} in the config.`];
    case 'ENOENT':
      return ['a folder on the way does not exist (a broken link, or removed meanwhile)', `Check the ${setting} path in the config, then run again.`];
    default:
      return [`the filesystem refused (${code})`, `Check that ${setting} is a writable folder, then run again.`];
  }
}

/**
 * A recursive mkdir on a read-only or unwritable disk reports ENOENT; the nearest folder that exists
 * says the real cause (EROFS, EACCES), which is what the user must fix.
 */
function ancestorRefusal(file: string): string | undefined {
  let dir = path.dirname(path.resolve(file));
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

/** `work`, with a filesystem failure turned into the OpsError above. */
export function inStateDir<T>(work: Promise<T>, operation: string, file: string): Promise<T> {
  return work.catch((error: unknown) => Promise.reject(folderFileError(error, operation, file)));
}

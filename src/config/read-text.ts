import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

/** Far above any real opsctl.yaml, .env or runbook (a few KB); a bigger file is a mistake or an attack. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * A config file's text: a regular file (opened non-blocking, so a FIFO cannot hang open() past
 * Ctrl-C), at most MAX_CONFIG_BYTES, valid UTF-8. Anything else is a ConfigError (exit 2) saying
 * where. ENOENT is thrown as is, for callers to whom a missing file is normal (.env).
 */
export function readConfigText(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`, 'Check that it is a readable file.');
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new ConfigError(`${file} is not a regular file (a folder, pipe or device).`, 'Point opsctl at the file itself.');
    if (stats.size > MAX_CONFIG_BYTES) throw new ConfigError(`${file} is ${stats.size} bytes, more than the ${MAX_CONFIG_BYTES} opsctl reads.`, 'Check that it is the right file; an opsctl config is a few KB.');
    return decodeUtf8(readFileSync(fd), file);
  } finally {
    closeSync(fd);
  }
}

function decodeUtf8(bytes: Buffer, file: string): string {
  // isUtf8 checks without starting a TextDecoder (which costs a start-up a few ms); like one, drop a BOM.
  if (isUtf8(bytes)) return bytes.toString('utf8').replace(/^\uFEFF/, '');
  const text = bytes.toString('utf8');
  const line = text.slice(0, text.indexOf('\uFFFD')).split('\n').length;
  throw new ConfigError(`${file}: line ${line} is not valid UTF-8.`, 'Save the file as UTF-8.');
}

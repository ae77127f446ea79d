import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { OpsError } from '../errors.js';
import { abortedOr } from './abort.js';
import { discard } from './digest.js';

/** Reads a gzip stream to its end: a truncated or damaged archive (a mongo dump, the files' tar) fails here. */
export async function checkGzip(file: string, signal: AbortSignal): Promise<void> {
  try {
    await pipeline(createReadStream(file), createGunzip(), discard(), { signal });
  } catch (error) {
    if (signal.aborted) throw abortedOr(signal, error);
    throw new OpsError(`${file} is not a whole gzip stream: ${(error as Error).message}.`, 'The archive is truncated or damaged; take a new backup.');
  }
}

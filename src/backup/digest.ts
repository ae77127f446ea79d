import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { abortedOr } from './abort.js';

/** A pass-through that hashes (sha256) and counts what flows through it: a part is checksummed as it is written. */
export class Digest extends Transform {
  bytes = 0;
  private hash: Hash = createHash('sha256');
  private hex: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.add(chunk);
    callback(null, chunk);
  }

  /**
   * Starts over and returns a new pass-through feeding this digest: for a part written again (a file
   * changed while being packed), since a failed pipeline destroys its streams but this stays usable.
   */
  restart(): Transform {
    this.hash = createHash('sha256');
    this.bytes = 0;
    this.hex = undefined;
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.add(chunk);
        callback(null, chunk);
      },
    });
  }

  private add(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  /** The hex digest; call once everything has flowed through. */
  sha256(): string {
    return (this.hex ??= this.hash.digest('hex'));
  }
}

/** A sink that drops what it gets: for reading a stream to its end only to check it (gunzip, hash). */
export function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}

/** sha256 and size of a file, streamed. */
export async function hashFile(file: string, signal?: AbortSignal): Promise<{ sha256: string; bytes: number }> {
  const digest = new Digest();
  try {
    await pipeline(createReadStream(file), digest, discard(), { signal });
  } catch (error) {
    throw signal ? abortedOr(signal, error) : error;
  }
  return { sha256: digest.sha256(), bytes: digest.bytes };
}

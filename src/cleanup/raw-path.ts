import path from 'node:path';

/**
 * Paths as the bytes the filesystem holds. A name that is not valid UTF-8 cannot survive a round trip
 * through a JS string (it decodes to U+FFFD and then names nothing), so the walk and the removal keep
 * Buffers and only what is printed is a string.
 */
export type RawPath = Buffer;

const SEP = Buffer.from(path.sep);

export function rawJoin(dir: RawPath, name: RawPath): RawPath {
  return dir.subarray(-SEP.length).equals(SEP) ? Buffer.concat([dir, name]) : Buffer.concat([dir, SEP, name]);
}

/** A key for sets and maps that keeps every byte (latin1 maps bytes 1:1 to code units). */
export function rawKey(p: RawPath): string {
  return p.toString('latin1');
}

/** True when `p` is `root` or inside it; both are real paths as bytes (no `..`, no links). */
export function isInsideRaw(root: RawPath, p: RawPath): boolean {
  if (p.equals(root)) return true;
  const prefix = root.subarray(-SEP.length).equals(SEP) ? root : Buffer.concat([root, SEP]);
  return p.length > prefix.length && p.subarray(0, prefix.length).equals(prefix);
}

const STRICT = new TextDecoder('utf-8', { fatal: true });

/**
 * The path for people: valid UTF-8 as it is, every byte that is not (and control characters, which
 * could forge lines in the output) as \xNN, so `caf\xe9.txt` is visible, distinct and greppable.
 */
export function displayPath(p: RawPath): string {
  let out = '';
  let i = 0;
  while (i < p.length) {
    const length = sequenceLength(p[i]!);
    const text = length > 0 ? decodeOrUndefined(p.subarray(i, i + length)) : undefined;
    if (text !== undefined && length === Buffer.byteLength(text) && !/[\u0000-\u001f\u007f]/.test(text)) {
      out += text;
      i += length;
    } else {
      out += `\\x${p[i]!.toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}

function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function decodeOrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return STRICT.decode(bytes);
  } catch {
    return undefined;
  }
}

import { isUtf8 } from 'node:buffer';
import { redact, registeredSecrets } from './redact.js';

// redact() for bytes about to be written: a log's output is tens of MB, and decoding it to text,
// redacting and encoding it again is most of what printing costs. The bytes are written as they are
// only where redact() would provably change nothing; anything else is decoded and redacted as text.

const SCHEME_SEP = Buffer.from('://');
const EQUALS = 61;

/** The bytes as redact() would have them, as text written as UTF-8 would come out. */
export function redactBytes(bytes: Buffer): Buffer {
  if (isUtf8(bytes) && !mayHoldSecret(bytes)) return bytes;
  return Buffer.from(redact(bytes.toString('utf8')));
}

/**
 * Whether redact() could mask anything in the bytes: a URL password needs "://" followed by a user
 * (not "/", "?", "#", "@" or a space); a query secret needs "="; a registered secret its own bytes.
 */
function mayHoldSecret(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(SCHEME_SEP); at >= 0; at = bytes.indexOf(SCHEME_SEP, at + 3)) {
    if (!endsUser(bytes[at + 3])) return true;
  }
  if (bytes.indexOf(EQUALS) >= 0) return true;
  for (const secret of registeredSecrets()) {
    // Masking "***" in could make a secret that holds "*" appear: such secrets always take the text path.
    if (secret.includes('*') || bytes.indexOf(secret, 0, 'utf8') >= 0) return true;
  }
  return false;
}

/** A byte that ends a URL's user at once: "/", "?", "#", "@", white space, or the end. */
function endsUser(code: number | undefined): boolean {
  return code === undefined || code === 47 || code === 63 || code === 35 || code === 64 || code === 32 || (code >= 9 && code <= 13);
}

import { accessSync, constants, createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import { OpsError, ToolError, ToolMissingError } from '../errors.js';
import { abortReason } from '../process/delay.js';
import { installHint } from '../process/tools.js';
import { which } from '../process/which.js';
import { Digest, discard } from './digest.js';
import type { PartManifest } from './manifest.js';

/** backup.encrypt, resolved: recipients are public keys, so they may travel in argv; the file is a path. */
export interface Encryption {
  recipients: readonly string[];
  recipientsFile?: string;
}

/** Every recipient a part is encrypted to, for the manifest: the listed ones and the file's (read after age has read it). */
export function recipientList(encryption: Encryption): string[] {
  const lines = encryption.recipientsFile ? readFileSync(encryption.recipientsFile, 'utf8').split(/\r?\n/) : [];
  return [...encryption.recipients, ...lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))];
}

/** Where the identity that decrypts comes from when --identity is not given. */
export const IDENTITY_VARIABLE = 'OPSCTL_AGE_IDENTITY';

/** The encrypted part's file: age's own suffix, so `age -d` is the obvious next step. */
export const encryptedName = (file: string) => `${file}.age`;

/** What a part's stream is written into: the file itself, or age's stdin with age writing the file. */
export interface PartSink {
  input: Writable;
  /** Settles once the file is whole: the ciphertext's sha256 and size when encrypted. */
  done: Promise<{ sha256: string; bytes: number } | undefined>;
  /** Stops age (a part that failed), so the file can be removed. */
  kill(): void;
}

export function plainSink(file: string, flags: 'wx' | 'w'): PartSink {
  const input = createWriteStream(file, { flags, mode: 0o600, flush: true });
  const done = new Promise<undefined>((resolve, reject) => {
    input.once('close', () => resolve(undefined));
    input.once('error', reject);
  });
  return { input, done: settledLater(done), kill: () => input.destroy() };
}

/**
 * age encrypts on the way to disk: the plaintext exists only in the pipe between the dump and age.
 * The ciphertext is hashed as it is written, for the manifest (verify checks it without the key).
 */
export function encryptingSink(encryption: Encryption, file: string, flags: 'wx' | 'w', signal: AbortSignal): PartSink {
  requireAge();
  const args = ['--encrypt', ...encryption.recipients.flatMap((r) => ['-r', r]), ...(encryption.recipientsFile ? ['-R', encryption.recipientsFile] : [])];
  const child = execa('age', args, { stdin: 'pipe', buffer: { stdout: false, stderr: true }, cancelSignal: signal, reject: false, windowsHide: true });
  const digest = new Digest();
  const written = pipeline(child.stdout, digest, createWriteStream(file, { flags, mode: 0o600, flush: true })).catch((error: unknown) => {
    child.kill();
    throw error;
  });
  const done = (async () => {
    const [result] = await Promise.all([child, written]);
    if (signal.aborted) throw abortReason(signal);
    if (result.exitCode !== 0) {
      throw new ToolError(`age could not encrypt ${path.basename(file)}: ${lastLine(String(result.stderr))}.`, 'Check backup.encrypt: each recipient is an age1... key or an ssh public key, and recipientsFile is readable.');
    }
    return { sha256: digest.sha256(), bytes: digest.bytes };
  })();
  // A stdin write that fails because age died is reported as age's error, through `done`.
  child.stdin.on('error', () => undefined);
  return { input: child.stdin, done: settledLater(done), kill: () => child.kill() };
}

/**
 * A sink's failure (a full disk, a tar read error that destroyed it) is read by whoever awaits `done`,
 * which may be later or never (a part packed again drops its first sink): never an unhandled rejection,
 * which would end the process.
 */
function settledLater<T>(done: Promise<T>): Promise<T> {
  done.catch(() => undefined);
  return done;
}

/** A part's bytes decrypted on the fly by `age -d`; `done` rejects naming the part when the identity does not fit. */
export interface Decrypted {
  output: Readable;
  done: Promise<void>;
  /** Stops age when the reader failed. */
  stop(): void;
}

export function decrypting(identity: string, file: string, part: string, signal: AbortSignal): Decrypted {
  requireAge();
  const child = execa('age', ['--decrypt', '-i', identity, file], { stdin: 'ignore', buffer: { stdout: false, stderr: true }, cancelSignal: signal, reject: false, windowsHide: true });
  const done = (async () => {
    const result = await child;
    if (signal.aborted) throw abortReason(signal);
    if (result.exitCode !== 0) throw undecryptable(part, identity, String(result.stderr));
  })();
  // Piped at once: execa drains an unread stdout once the child exits, which would lose a small part
  // whose reader starts later (a restore test runs a query first).
  const output = child.stdout.pipe(new PassThrough());
  return { output, done: settledLater(done), stop: () => child.kill() };
}

/** Runs `use` on the decrypted stream and waits for age too; a reader that fails stops age. */
export async function withDecrypted<T>(decrypted: Decrypted, use: (stream: Readable) => Promise<T>): Promise<T> {
  try {
    const value = await use(decrypted.output);
    await decrypted.done;
    return value;
  } catch (error) {
    decrypted.stop();
    await decrypted.done.catch(() => undefined);
    throw error;
  }
}

/**
 * The identity file for the encrypted parts among `parts`: --identity, else OPSCTL_AGE_IDENTITY;
 * undefined when none is encrypted. Missing or unreadable is exit 1 naming the parts, before anything is touched.
 */
export function identityFor(given: string | undefined, parts: readonly PartManifest[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const encrypted = parts.filter((p) => p.encryption).map((p) => p.name);
  if (encrypted.length === 0) return undefined;
  const identity = given ?? env[IDENTITY_VARIABLE];
  const what = `Part${encrypted.length > 1 ? 's' : ''} ${encrypted.join(', ')} ${encrypted.length > 1 ? 'are' : 'is'} encrypted with age`;
  if (!identity) throw new OpsError(`${what} and no identity was given: nothing was restored.`, `Pass --identity <file> (the key age-keygen wrote, kept off this host) or set ${IDENTITY_VARIABLE}.`, { parts: encrypted });
  try {
    accessSync(identity, constants.R_OK);
  } catch (error) {
    throw new OpsError(`${what}, and the identity file ${identity} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): nothing was restored.`, 'Check the path given with --identity or OPSCTL_AGE_IDENTITY.', { parts: encrypted });
  }
  return identity;
}

/** Decrypts a part to nowhere, hashing the plaintext: proves the identity fits and the content is what was backed up. */
export async function plaintextDigest(identity: string, file: string, part: string, signal: AbortSignal): Promise<{ sha256: string; bytes: number }> {
  const digest = new Digest();
  await withDecrypted(decrypting(identity, file, part, signal), (output) => pipeline(output, digest, discard()));
  return { sha256: digest.sha256(), bytes: digest.bytes };
}

/** The identity does not open a part: the caller's mistake, not the set's, so verify throws it rather than failing the set. */
export class IdentityError extends OpsError {}

function undecryptable(part: string, identity: string, stderr: string): OpsError {
  const said = lastLine(stderr);
  const wrongKey = /no identity matched/i.test(said);
  return new (wrongKey ? IdentityError : OpsError)(
    wrongKey ? `Part ${part} is not encrypted to the identity in ${identity}: nothing was restored.` : `Part ${part} could not be decrypted with ${identity}: ${said}.`,
    wrongKey ? `Pass the identity whose public key is in backup.encrypt (--identity <file> or ${IDENTITY_VARIABLE}).` : 'Check the identity file (age-keygen writes one) and that the part is whole: opsctl backup verify <id>.',
    { part },
  );
}

function requireAge(): void {
  if (!which('age')) throw new ToolMissingError('age is not installed or not on PATH: backup.encrypt needs it.', installHint('age'), { tool: 'age' });
}

/** age's own error line ("age: error: no identity matched any of the recipients"), not its closing "report ..." line. */
function lastLine(text: string): string {
  const lines = text.trim().split(/\r?\n/).filter((line) => line.trim() !== '');
  const error = lines.find((line) => /^age: error:/.test(line)) ?? lines.find((line) => !/^age: report/.test(line));
  return error?.replace(/^age: (error: )?/, '') ?? 'no message';
}

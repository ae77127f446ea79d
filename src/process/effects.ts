import { appendFile, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { redact } from './redact.js';

/**
 * A change to the world other than running a child process, described as a value like a Command, so one
 * executor decides whether it happens: under --dry-run it is shown as `would ...` and nothing is touched.
 * Code that changes files, links or posts somewhere hands the effect to `Effects.apply` instead of calling
 * fs itself, so a forgotten `if (dryRun)` can never write.
 */
export type Effect =
  | { kind: 'write'; file: string; data: string | Uint8Array; mode?: number; /** Temp file + rename: readers never see half of it. */ atomic?: boolean }
  | { kind: 'append'; file: string; data: string }
  | { kind: 'mkdir'; dir: string; mode?: number }
  | { kind: 'remove'; target: string; recursive?: boolean }
  | { kind: 'rename'; from: string; to: string }
  /** Points `link` at the folder `target`, replacing what it pointed at in one step where the OS allows. */
  | { kind: 'link'; link: string; target: string }
  /** Anything else that changes the world (a webhook post): `what` is shown under --dry-run instead of running it. */
  | { kind: 'other'; what: string; run: () => Promise<void> };

export interface Effects {
  readonly dryRun: boolean;
  /** Carries the effect out, or under --dry-run shows it as `would ...` and returns false. */
  apply(effect: Effect): Promise<boolean>;
  /** What --dry-run held back, in order, as shown. */
  planned(): readonly string[];
}

export interface EffectsOptions {
  dryRun: boolean;
  /** Where `would ...` lines go (stderr in the CLI, like the runner's `would run:`). */
  log: (line: string) => void;
}

export function createEffects(options: EffectsOptions): Effects {
  const held: string[] = [];
  return {
    dryRun: options.dryRun,
    planned: () => [...held],
    async apply(effect) {
      if (options.dryRun) {
        const line = `would ${describeEffect(effect)}`;
        held.push(line);
        options.log(line);
        return false;
      }
      await carryOut(effect);
      return true;
    },
  };
}

/** One line for people, secrets masked: "write /srv/app/.opsctl/state.json (312 bytes)". */
export function describeEffect(effect: Effect): string {
  switch (effect.kind) {
    case 'write':
      return `write ${effect.file} (${byteLength(effect.data)} bytes)`;
    case 'append':
      return `append ${byteLength(effect.data)} bytes to ${effect.file}`;
    case 'mkdir':
      return `create folder ${effect.dir}`;
    case 'remove':
      return `remove ${effect.target}${effect.recursive ? ' and everything in it' : ''}`;
    case 'rename':
      return `rename ${effect.from} to ${effect.to}`;
    case 'link':
      return `point ${effect.link} at ${effect.target}`;
    case 'other':
      return redact(effect.what);
  }
}

async function carryOut(effect: Effect): Promise<void> {
  switch (effect.kind) {
    case 'write':
      return effect.atomic ? writeAtomic(effect.file, effect.data, effect.mode) : writeFile(effect.file, effect.data, effect.mode === undefined ? {} : { mode: effect.mode });
    case 'append':
      return appendFile(effect.file, effect.data);
    case 'mkdir':
      await mkdir(effect.dir, { recursive: true, ...(effect.mode === undefined ? {} : { mode: effect.mode }) });
      return;
    case 'remove':
      return rm(effect.target, { force: true, recursive: Boolean(effect.recursive) });
    case 'rename':
      return rename(effect.from, effect.to);
    case 'link':
      return switchLink(effect.link, effect.target);
    case 'other':
      return effect.run();
  }
}

function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

/** A sibling temp name: same folder, so the rename stays on one filesystem; pid and a random part keep writers apart. */
function tempBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}-${process.pid}-${Math.random().toString(16).slice(2, 10)}`);
}

async function writeAtomic(file: string, data: string | Uint8Array, mode: number | undefined): Promise<void> {
  const temp = tempBeside(file);
  try {
    await writeFile(temp, data, { flag: 'wx', ...(mode === undefined ? {} : { mode }) });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A new link under a temporary name, renamed over the old one: on POSIX the switch is one step. */
async function switchLink(link: string, target: string): Promise<void> {
  await mkdir(path.dirname(link), { recursive: true });
  const temp = tempBeside(link);
  // Windows: a junction needs no privilege (a directory symlink does) and takes an absolute target.
  await symlink(path.resolve(target), temp, process.platform === 'win32' ? 'junction' : 'dir');
  try {
    await rename(temp, link);
  } catch (error) {
    // Windows cannot rename over an existing junction: remove it first (a short moment without a link).
    if (process.platform !== 'win32') {
      await rm(temp, { force: true });
      throw error;
    }
    await rm(link, { force: true, recursive: false });
    await rename(temp, link);
  }
}

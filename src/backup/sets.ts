import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { isSafety, readManifest, syncPath, type Manifest } from './manifest.js';

export interface BackupSet {
  id: string;
  dir: string;
  manifest: Manifest;
}

export interface SetListing {
  /** This environment's complete sets, newest first. */
  sets: BackupSet[];
  /** Folders that are not complete sets: leftovers of killed runs, foreign folders. */
  incomplete: { name: string; problem: string }[];
}

const PARTIAL_PREFIX = '.partial-';
// Environment names match /^[A-Za-z0-9][\w.-]*$/: "~" ends the name, so `prod` never matches `prod-eu`'s folders.
const ENV_END = '~';

/** 2026-11-23T01:51:17.123Z -> 20261123T015117Z: sortable, and a valid folder name on every OS. */
export function setIdFor(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/** The folder a run writes into, naming its pid and host; nothing outside opsctl's own cleanup looks at dot-folders. */
export function partialName(environment: string, id: string, pid = process.pid, host = os.hostname()): string {
  return `${partialPrefix(environment)}${id}-${pid}@${host.replace(/[^\w.-]/g, '_')}`;
}

function partialPrefix(environment: string): string {
  return `${PARTIAL_PREFIX}${environment}${ENV_END}`;
}

/** A leftover may go when its writer is gone: a pid on this host that no longer runs. Another host's cannot be checked. */
export function holderIsDead(name: string, host = os.hostname()): boolean {
  const match = /-(\d+)@([\w.-]+)$/.exec(name);
  if (!match || match[2] !== host.replace(/[^\w.-]/g, '_')) return false;
  const pid = Number(match[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function listSets(dir: string, environment: string): Promise<SetListing> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { sets: [], incomplete: [] };
    throw error;
  }
  const listing: SetListing = { sets: [], incomplete: [] };
  for (const name of names) {
    if (name.startsWith(PARTIAL_PREFIX)) {
      if (name.startsWith(partialPrefix(environment))) listing.incomplete.push({ name, problem: holderIsDead(name) ? 'left by a run that did not finish; the next backup removes it' : 'being written by a running backup, or left by one on another host' });
      continue;
    }
    const read = await readManifest(path.join(dir, name));
    if ('problem' in read) listing.incomplete.push({ name, problem: read.problem });
    else if (read.manifest.environment === environment) listing.sets.push({ id: name, dir: path.join(dir, name), manifest: read.manifest });
  }
  listing.sets.sort((a, b) => Date.parse(b.manifest.createdAt) - Date.parse(a.manifest.createdAt) || b.id.localeCompare(a.id));
  return listing;
}

/**
 * One line per folder that looks like a set but cannot be read as one (a foreign, damaged or edited
 * manifest): list, prune and restore skip it, and say so. A backup still being written is not named.
 */
export function skippedSets(listing: SetListing, dir: string): string[] {
  return listing.incomplete.filter((i) => !i.name.startsWith(PARTIAL_PREFIX)).map((i) => `skipped ${path.join(dir, i.name)}: ${i.problem}; it is neither listed, restored nor pruned until fixed or removed`);
}

/** The newest regular set: a safety set (the state before a restore) is never `latest`. */
export function latestSet(sets: readonly BackupSet[]): BackupSet | undefined {
  return sets.find((s) => !isSafety(s.manifest));
}

/** A set by id, or `latest`; a usage error listing what exists otherwise. `warn` hears of the sets skipped. */
export async function findSet(dir: string, environment: string, id: string, warn?: (message: string) => void): Promise<BackupSet> {
  const listing = await listSets(dir, environment);
  const { sets } = listing;
  const found = id === 'latest' ? latestSet(sets) : sets.find((s) => s.id === id);
  if (found) {
    if (id === 'latest') for (const message of skippedSets(listing, dir)) warn?.(message);
    return found;
  }
  const broken = listing.incomplete.find((i) => i.name === id);
  if (broken) throw new UsageError(`${path.join(dir, id)} is not a usable backup set: ${broken.problem}.`, 'Pick another set (opsctl backup list); fix or remove that folder.');
  const known = sets.slice(0, 5).map((s) => s.id);
  throw new UsageError(
    id === 'latest' ? `No backup set of ${environment} in ${dir}.` : `No backup set "${id}" of ${environment} in ${dir}.`,
    known.length > 0 ? `Run opsctl backup list; the newest are: ${known.join(', ')}.` : 'Take one with: opsctl backup',
  );
}

/** Removes what dead runs of this environment on this host left; a live writer's folder is never touched. */
export async function removeLeftovers(dir: string, environment: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const leftovers = names.filter((n) => n.startsWith(partialPrefix(environment)) && holderIsDead(n));
  for (const name of leftovers) await rm(path.join(dir, name), { recursive: true, force: true });
  return leftovers;
}

/** Renames the finished folder to its id in one step; an id taken in the same second gets a suffix. */
export async function publishSet(partial: string, dir: string, id: string): Promise<string> {
  await syncPath(partial);
  for (let n = 1; ; n += 1) {
    const name = n === 1 ? id : `${id}-${n}`;
    const target = path.join(dir, name);
    if (await exists(target)) continue;
    try {
      await rename(partial, target);
    } catch (error) {
      if (['ENOTEMPTY', 'EEXIST', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '') && n < 100) continue;
      throw error;
    }
    await syncPath(dir);
    return name;
  }
}

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

import { existsSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { SelectedEnvironment } from '../config/select.js';
import { UsageError } from '../errors.js';
import { gitCommand } from '../git/git.js';
import type { Command } from '../process/command.js';
import type { Effects } from '../process/effects.js';
import type { Runner } from '../process/runner.js';
import type { PreparedRelease, ReleaseRef } from './types.js';

/** Release folders keep this many hex digits of the sha: short paths (Windows) and still unique. */
const FOLDER_SHA_LENGTH = 12;
/** The pm2 driver's link to the running release, kept next to the release folders. */
export const CURRENT_LINK = 'current';

const git = gitCommand;

export const releaseCommands = {
  resolve: (repo: string, ref: string) => git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], true),
  describe: (repo: string, sha: string) => git(repo, ['log', '-1', '--format=%h%x00%s', sha, '--'], true),
  topLevel: (repo: string) => git(repo, ['rev-parse', '--show-toplevel'], true),
  headOf: (dir: string) => git(dir, ['rev-parse', 'HEAD'], true),
  // --force: the path may still be registered from a folder removed by hand. Never `git worktree prune`:
  // it would also drop the user's own worktrees that are only unmounted for now.
  add: (repo: string, dir: string, sha: string) => git(repo, ['worktree', 'add', '--force', '--detach', dir, sha], false),
  remove: (repo: string, dir: string) => git(repo, ['worktree', 'remove', '--force', dir], false),
};

/** What changes release folders: git worktree commands through the runner, the rest through the effects. */
export interface ReleaseTools {
  runner: Runner;
  effects: Effects;
}

export function releasesDirOf(env: Pick<SelectedEnvironment, 'stateDir' | 'name'>): string {
  return path.join(env.stateDir, 'releases', env.name);
}

export function releaseFolder(releasesDir: string, sha: string): string {
  return path.join(releasesDir, sha.slice(0, FOLDER_SHA_LENGTH));
}

export interface ResolvedRef extends ReleaseRef {
  subject: string;
}

/** The commit a ref names in the repo, or a UsageError naming the ref and the repo. */
export async function resolveRef(runner: Runner, repo: string, ref: string): Promise<ResolvedRef> {
  const resolved = await runner.run(releaseCommands.resolve(repo, ref), { allowFailure: true });
  const sha = resolved.stdout.trim();
  if (resolved.exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(sha)) {
    const why = resolved.stderr.trim().split(/\r?\n/)[0]?.replace(/^fatal:\s*/, '');
    throw new UsageError(`"${ref}" is not a commit of ${repo}${why ? ` (${why})` : ''}.`, 'Give a branch, tag or sha that exists there with --ref (fetch first if it is only on the remote), or set source.ref.');
  }
  const [shortSha, subject] = (await runner.run(releaseCommands.describe(repo, sha))).stdout.trim().split('\0');
  return { sha, shortSha: shortSha || sha.slice(0, 7), subject: subject ?? '' };
}

export interface ReleaseLayout {
  repo: string;
  releasesDir: string;
  /** opsctl.yaml's folder relative to the repository's top: the same place inside each release folder. */
  configInRepo: string;
}

export async function releaseLayout(runner: Runner, env: SelectedEnvironment, repo: string): Promise<ReleaseLayout> {
  const top = (await runner.run(releaseCommands.topLevel(repo))).stdout.trim();
  const inside = path.relative(await realpath(top), await realpath(env.dir));
  // A config outside the repository: its relative paths resolve from the release's top instead.
  const configInRepo = inside.startsWith('..') || path.isAbsolute(inside) ? '' : inside;
  return { repo, releasesDir: releasesDirOf(env), configInRepo };
}

export function preparedAt(layout: ReleaseLayout, ref: ReleaseRef, image?: string): PreparedRelease {
  const root = releaseFolder(layout.releasesDir, ref.sha);
  return { sha: ref.sha, shortSha: ref.shortSha, root, dir: path.join(root, layout.configInRepo), ...(image ? { image } : {}) };
}

/**
 * The release's own folder: a detached git worktree at its sha, so the user's working copy (and its
 * uncommitted changes) is never touched and a rollback needs no network. An existing folder at the
 * right sha is reused; one at another sha (a half-made folder) is made again.
 */
export async function checkoutRelease(tools: ReleaseTools, layout: ReleaseLayout, release: PreparedRelease): Promise<'reused' | 'created'> {
  if (existsSync(release.root)) {
    const head = await tools.runner.run(releaseCommands.headOf(release.root), { allowFailure: true });
    if (head.exitCode === 0 && head.stdout.trim() === release.sha) return 'reused';
    await removeReleaseFolder(tools, layout.repo, release.root);
  }
  await tools.effects.apply({ kind: 'mkdir', dir: layout.releasesDir });
  await tools.runner.run(releaseCommands.add(layout.repo, release.root, release.sha));
  return 'created';
}

export async function removeReleaseFolder(tools: ReleaseTools, repo: string, dir: string): Promise<void> {
  const removed = await tools.runner.run(releaseCommands.remove(repo, dir), { allowFailure: true });
  // Not a registered worktree (copied, or its metadata gone): the folder goes anyway. Under --dry-run
  // the planned `git worktree remove` reports success, so this is reached only when it really failed.
  if (removed.exitCode !== 0) await tools.effects.apply({ kind: 'remove', target: dir, recursive: true });
}

/** Release folders on disk, by the sha prefix they are named after. */
export async function listReleaseFolders(releasesDir: string): Promise<string[]> {
  try {
    const entries = await readdir(releasesDir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && new RegExp(`^[0-9a-f]{${FOLDER_SHA_LENGTH}}$`).test(e.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Folders to remove: every one but the `pinned` releases (what runs, what is being switched to) and
 * the newest `keep` good releases (rollback targets, newest first). Folders of bad releases go.
 */
export function foldersBeyond(folders: readonly string[], pinned: readonly (string | null)[], goodNewestFirst: readonly string[], keep: number): string[] {
  const short = (sha: string) => sha.slice(0, FOLDER_SHA_LENGTH);
  const pins = new Set(pinned.filter((sha): sha is string => Boolean(sha)).map(short));
  const good = [...new Set(goodNewestFirst.map(short))].filter((name) => !pins.has(name));
  const kept = new Set([...pins, ...good.slice(0, keep)]);
  return folders.filter((name) => !kept.has(name));
}

/** The release folder the `current` link points at (what pm2 runs, whatever the journal says), by name. */
export async function linkedFolder(releasesDir: string): Promise<string | null> {
  try {
    return path.basename(await realpath(path.join(releasesDir, CURRENT_LINK)));
  } catch {
    return null;
  }
}

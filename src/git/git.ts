import { command, type Command } from '../process/command.js';
import type { Runner } from '../process/runner.js';

export interface RepoState {
  sha: string;
  shortSha: string;
  branch?: string;
  subject: string;
  committedAt: string;
  dirty: boolean;
}

/**
 * git in `repo`. A read-only one runs with GIT_OPTIONAL_LOCKS=0: `git status` otherwise refreshes the
 * index under index.lock, which writes into the user's .git under --dry-run and can make the user's own
 * git command fail with "index.lock exists" while opsctl looks.
 */
export function gitCommand(repo: string, args: string[], readOnly: boolean): Command {
  return command('git', ['-C', repo, ...args], { readOnly, ...(readOnly ? { env: { GIT_OPTIONAL_LOCKS: '0' } } : {}) });
}

const git = (repo: string, args: string[]): Command => gitCommand(repo, args, true);

export const gitCommands = {
  head: (repo: string) => git(repo, ['log', '-1', '--format=%H%x00%h%x00%cI%x00%s']),
  branch: (repo: string) => git(repo, ['rev-parse', '--abbrev-ref', 'HEAD']),
  porcelain: (repo: string) => git(repo, ['status', '--porcelain', '--untracked-files=no']),
};

export function parseHead(stdout: string): Pick<RepoState, 'sha' | 'shortSha' | 'committedAt' | 'subject'> | undefined {
  const [sha, shortSha, committedAt, subject] = stdout.trim().split('\0');
  if (!sha || !/^[0-9a-f]{7,64}$/.test(sha)) return undefined;
  return { sha, shortSha: shortSha ?? sha.slice(0, 7), committedAt: committedAt ?? '', subject: subject ?? '' };
}

export type RepoRead = { state: RepoState; problem?: undefined } | { state?: undefined; problem: string };

/** The working copy's HEAD, or git's own words on why there is none (not a repository, no commit, dubious ownership). */
export async function readRepoState(runner: Runner, repo: string): Promise<RepoRead> {
  const head = await runner.run(gitCommands.head(repo), { allowFailure: true });
  const parsed = head.exitCode === 0 ? parseHead(head.stdout) : undefined;
  if (!parsed) return { problem: head.stderr.trim().split(/\r?\n/)[0]?.replace(/^fatal:\s*/, '') || `no commit in ${repo}` };
  const [branch, status] = await Promise.all([
    runner.run(gitCommands.branch(repo), { allowFailure: true }),
    runner.run(gitCommands.porcelain(repo), { allowFailure: true }),
  ]);
  const name = branch.stdout.trim();
  return { state: { ...parsed, branch: name && name !== 'HEAD' ? name : undefined, dirty: status.stdout.trim() !== '' } };
}

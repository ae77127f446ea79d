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

function git(repo: string, args: string[]): Command {
  return command('git', ['-C', repo, ...args], { readOnly: true });
}

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

/** The working copy's HEAD, or undefined when the folder is not a git repository (or has no commit). */
export async function readRepoState(runner: Runner, repo: string): Promise<RepoState | undefined> {
  const head = await runner.run(gitCommands.head(repo), { allowFailure: true });
  const parsed = head.exitCode === 0 ? parseHead(head.stdout) : undefined;
  if (!parsed) return undefined;
  const [branch, status] = await Promise.all([
    runner.run(gitCommands.branch(repo), { allowFailure: true }),
    runner.run(gitCommands.porcelain(repo), { allowFailure: true }),
  ]);
  const name = branch.stdout.trim();
  return { ...parsed, branch: name && name !== 'HEAD' ? name : undefined, dirty: status.stdout.trim() !== '' };
}

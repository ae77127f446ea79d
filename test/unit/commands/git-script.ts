import type { Expected } from '../../support/scripted-runner.js';
import { fixture } from '../helpers.js';

export const GIT_FORMAT = '--format=%H%x00%h%x00%cI%x00%s';

/** git answering as it did in the captured repository (branch release/2026.11, a tracked file changed). */
export function gitRepo(repo: string): Expected[] {
  return [
    { file: 'git', args: ['-C', repo, 'log', '-1', GIT_FORMAT], stdout: fixture('git/log-head.txt'), readOnly: true },
    { file: 'git', args: ['-C', repo, 'rev-parse', '--abbrev-ref', 'HEAD'], stdout: fixture('git/branch.txt'), readOnly: true },
    { file: 'git', args: ['-C', repo, 'status', '--porcelain', '--untracked-files=no'], stdout: fixture('git/porcelain-dirty.txt'), readOnly: true },
  ];
}

/** git answering as it does in a folder that is not a repository. */
export function notARepo(dir: string): Expected[] {
  return [{ file: 'git', args: ['-C', dir, 'log', '-1', GIT_FORMAT], exitCode: 128, stderr: fixture('git/not-a-repo.stderr') }];
}

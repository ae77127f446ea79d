import { describe, expect, it } from 'vitest';
import { gitCommands, parseHead, readRepoState } from '../../../src/git/git.js';
import { fixture } from '../helpers.js';
import { scriptedRunner } from '../../support/scripted-runner.js';

const HEAD = ['-C', '/srv/app', 'log', '-1', '--format=%H%x00%h%x00%cI%x00%s'];
const BRANCH = ['-C', '/srv/app', 'rev-parse', '--abbrev-ref', 'HEAD'];
const PORCELAIN = ['-C', '/srv/app', 'status', '--porcelain', '--untracked-files=no'];

describe('git', () => {
  it('builds read-only commands run in the repo, without git\'s optional index lock (nothing written under .git)', () => {
    expect(gitCommands.head('/srv/app')).toEqual({ file: 'git', args: HEAD, readOnly: true, env: { GIT_OPTIONAL_LOCKS: '0' } });
  });

  it('parseHead reads sha, short sha, commit time and subject', () => {
    expect(parseHead(fixture('git/log-head.txt'))).toEqual({
      sha: 'f172099773ba52c7c9699e85068a88fa656f287f',
      shortSha: 'f172099',
      committedAt: '2026-11-23T01:03:32+00:00',
      subject: 'Add health endpoint: /api/ready',
    });
  });

  it('parseHead reads nothing from empty output or an error', () => {
    expect([parseHead(''), parseHead(fixture('git/not-a-repo.stderr'))]).toEqual([undefined, undefined]);
  });

  it('readRepoState adds the branch and whether tracked files changed', async () => {
    const runner = scriptedRunner([
      { file: 'git', args: HEAD, stdout: fixture('git/log-head.txt') },
      { file: 'git', args: BRANCH, stdout: fixture('git/branch.txt') },
      { file: 'git', args: PORCELAIN, stdout: fixture('git/porcelain-dirty.txt') },
    ]);
    expect(await readRepoState(runner, '/srv/app')).toMatchObject({ state: { shortSha: 'f172099', branch: 'release/2026.11', dirty: true } });
  });

  it('readRepoState gives a detached HEAD no branch and a clean tree no changes', async () => {
    const runner = scriptedRunner([
      { file: 'git', args: HEAD, stdout: fixture('git/log-head.txt') },
      { file: 'git', args: BRANCH, stdout: fixture('git/branch-detached.txt') },
      { file: 'git', args: PORCELAIN, stdout: '' },
    ]);
    expect(await readRepoState(runner, '/srv/app')).toMatchObject({ state: { branch: undefined, dirty: false } });
  });

  it('readRepoState gives git\'s reason outside a repository, and asks git nothing more', async () => {
    const runner = scriptedRunner([{ file: 'git', args: HEAD, exitCode: 128, stderr: fixture('git/not-a-repo.stderr') }]);
    expect(await readRepoState(runner, '/srv/app')).toEqual({ problem: 'not a git repository (or any of the parent directories): .git' });
    expect(runner.ran).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { foldersBeyond } from '../../../src/deploy/releases.js';
import { exitCodeOf, journalDetailsOf, type DeployResult } from '../../../src/deploy/result.js';
import { InterruptedError, TimeoutError } from '../../../src/errors.js';
import { renderDeploy } from '../../../src/deploy/render.js';
import { createStyle } from '../../../src/output/style.js';

const sha = (c: string) => c.repeat(40);
const folder = (c: string) => c.repeat(12);

describe('foldersBeyond', () => {
  it('keeps the pinned ones (running, new, linked) and `keep` good ones besides them, once each', () => {
    const folders = ['a', 'b', 'c', 'd', 'e'].map(folder);
    // e runs and is also the newest good release: it does not use up one of the 2 kept places.
    expect(foldersBeyond(folders, [sha('e'), sha('e'), null], [sha('e'), sha('d'), sha('d'), sha('c'), sha('b')], 2)).toEqual([folder('a'), folder('b')]);
  });

  it('a folder the current link points at stays whatever the journal says', () => {
    expect(foldersBeyond([folder('a'), folder('b')], [null, folder('a')], [], 0)).toEqual([folder('b')]);
  });
});

function result(over: Partial<DeployResult>): DeployResult {
  return {
    operation: 'deploy', environment: 'prod', app: 'a', target: 'pm2 a', dryRun: false, outcome: 'deployed',
    release: { sha: sha('b'), shortSha: 'bbbbbbb', subject: 's', ref: 'main' }, previous: sha('a'), running: sha('b'),
    backup: null, restored: null, steps: [], health: null, rollback: null, error: null, lastLines: [], hint: null, durationMs: 1, ...over,
  };
}

describe('deploy results', () => {
  it('an interruption during the gate judges nothing (the release may be fine) and keeps its exit code', () => {
    const interrupted = result({ outcome: 'interrupted', steps: [{ name: 'health', status: 'failed', durationMs: 5, detail: 'Interrupted.' }] });
    expect(journalDetailsOf(interrupted)).toMatchObject({ verdict: 'untested', running: sha('b') });
    const ctrlC = new AbortController();
    ctrlC.abort(new InterruptedError('Interrupted.'));
    expect(exitCodeOf(interrupted, ctrlC.signal)).toBe(130);
    const timeout = new AbortController();
    timeout.abort(new TimeoutError('Timed out after 2s.'));
    expect(exitCodeOf(interrupted, timeout.signal)).toBe(1);
  });

  it('a release failing its own gate or switch is bad; one failing a build is untested', () => {
    expect(journalDetailsOf(result({ outcome: 'rolled-back', steps: [{ name: 'health', status: 'failed', durationMs: 1, detail: 'x' }] })).verdict).toBe('bad');
    expect(journalDetailsOf(result({ outcome: 'failed', running: sha('a'), steps: [{ name: 'build', status: 'failed', durationMs: 1, detail: 'x' }] })).verdict).toBe('untested');
    expect(exitCodeOf(result({ outcome: 'rolled-back' }))).toBe(1);
    expect(exitCodeOf(result({ operation: 'rollback', outcome: 'rolled-back' }))).toBe(0);
  });
});

describe('renderDeploy', () => {
  it('says what failed once (no doubled full stop) and what to do', () => {
    const text = renderDeploy(result({ outcome: 'failed', running: sha('a'), error: 'pm2 jlist did not answer within 10s.', hint: 'Check the pm2 daemon (pm2 ping).' }), createStyle(false));
    expect(text).toContain('failed: pm2 jlist did not answer within 10s.');
    expect(text).not.toContain('..');
    expect(text).toContain('Check the pm2 daemon (pm2 ping).');
  });

  it('a failed rollback is loud and says what to do by hand', () => {
    const text = renderDeploy(result({ outcome: 'rollback-failed', running: null, error: 'gate failed', rollback: { to: sha('a'), ok: false, health: null, error: 'also down' } }), createStyle(false));
    expect(text).toMatch(/The rollback to aaaaaaa FAILED too: also down/);
    expect(text).toContain('Do this by hand now:');
    expect(text).toContain('opsctl rollback -e prod --to aaaaaaa --force');
  });
});

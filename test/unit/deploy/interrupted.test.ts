import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stoppedBeforeSwitch } from '../../../src/deploy/interrupted.js';
import type { DeployResult } from '../../../src/deploy/result.js';
import type { Session } from '../../../src/deploy/session.js';
import type { StepRecord } from '../../../src/deploy/steps.js';

const V1 = 'a'.repeat(40);
const V2 = 'b'.repeat(40);

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function setup(steps: StepRecord[], extra: Partial<DeployResult> = {}) {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-interrupted-'));
  made.push(stateDir);
  const session = { env: { name: 'prod', stateDir } } as unknown as Session;
  const result = { operation: 'deploy', previous: V1, release: { sha: V2 }, backup: null, steps, ...extra } as unknown as DeployResult;
  return { session, result, folder: path.join(stateDir, 'releases', 'prod', V2.slice(0, 12)) };
}

const step = (name: StepRecord['name'], status: StepRecord['status']): StepRecord => ({ name, status, durationMs: 1, detail: null });

describe('what an interruption before the switch says it left', () => {
  it('stopped in the build: nothing changed, the release folder named as kept', () => {
    const { session, result, folder } = setup([step('preflight', 'ok'), step('prepare', 'ok'), step('build', 'failed')]);
    mkdirSync(folder, { recursive: true });
    expect(stoppedBeforeSwitch(session, result)).toBe(
      `deploy stopped during build, before the switch: prod was not changed (aaaaaaa keeps running). Left as they are: the release folder ${folder} (the next deploy reuses it and builds again).`,
    );
  });

  it('stopped before a release folder was made: nothing was left behind', () => {
    const { session, result } = setup([step('preflight', 'failed')], { release: null });
    expect(stoppedBeforeSwitch(session, result)).toBe('deploy stopped during preflight, before the switch: prod was not changed (aaaaaaa keeps running). Nothing was left behind.');
  });

  it('stopped in a migration: the app was not switched, but the database may be part-way, and the backup taken before is named', () => {
    const { session, result } = setup([step('backup', 'ok'), step('prepare', 'ok'), step('build', 'ok'), step('migrate', 'failed')], { backup: '20261205-1400' });
    const said = stoppedBeforeSwitch(session, result);
    expect(said).toContain("deploy stopped during migrate, before the switch: prod's app was not switched (aaaaaaa keeps running).");
    expect(said).toContain('the database, which source.migrate was migrating when stopped (it may be part-way); backup set 20261205-1400 was taken before it');
    expect(said).not.toContain('was not changed');
  });
});

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, OpsError } from '../../../../src/errors.js';
import { formatCommand } from '../../../../src/process/command.js';
import { needsFreshStart } from '../../../../src/targets/pm2/activate.js';
import { pm2Commands } from '../../../../src/targets/pm2/commands.js';
import { drainApplied, planDrain, SHIPPED_PRELOAD, withDrain } from '../../../../src/targets/pm2/drain/plan.js';
import { appPaths } from '../../../../src/targets/pm2/paths.js';

const releases = path.join(path.sep, 'srv', 'state', 'releases', 'prod');
const KEY = 'environments.prod.target.pm2';
const plan = planDrain({}, releases, KEY)!;
const file = path.join(releases, 'opsctl-drain.cjs');

describe('the drain preload as pm2 runs it', () => {
  it('is on by default: the shipped file copied next to the current link, a 5 s grace in the env, kill_timeout 3 s above it', () => {
    expect(existsSync(SHIPPED_PRELOAD)).toBe(true);
    expect(plan).toMatchObject({ file, graceMs: 5000, killTimeoutMs: 8000, env: { OPSCTL_DRAIN_GRACE_MS: '5000' } });
    expect(plan.copy).toEqual({ kind: 'write', file, data: readFileSync(SHIPPED_PRELOAD, 'utf8'), atomic: true });
    expect(plan.nodeArgs).toBe(`--require "${file.split(path.sep).join('/')}"`);
    expect(planDrain({ drain: { enabled: true, grace: '1500ms' } }, releases, KEY)).toMatchObject({ graceMs: 1500, killTimeoutMs: 4500 });
  });

  it('drain.enabled: false adds nothing; a grace of 0 is a config error naming the key', () => {
    expect(planDrain({ drain: { enabled: false, grace: '5s' } }, releases, KEY)).toBeUndefined();
    expect(() => planDrain({ drain: { enabled: true, grace: '0s' } }, releases, KEY)).toThrow(ConfigError);
    expect(() => planDrain({ drain: { enabled: true, grace: '0s' } }, releases, KEY)).toThrow(`${KEY}.drain.grace is 0s`);
  });

  it('a preload missing from the install is an error saying to reinstall or turn the drain off', () => {
    const missing = () => planDrain({}, releases, KEY, path.join(releases, 'nowhere.cjs'));
    expect(missing).toThrow(OpsError);
    expect(missing).toThrow(/drain preload is missing/);
  });

  it('pm2 start and the reload that applies it carry node_args and kill_timeout; the plain reload does not', () => {
    const paths = appPaths({ script: 'server.cjs', instances: 2 }, releases, { root: path.join(releases, 'abc'), dir: path.join(releases, 'abc') });
    expect(pm2Commands.startScript('api', paths, { instances: 2 }, {}, plan).args).toEqual(
      ['start', paths.script, '--name', 'api', '--cwd', paths.cwd, '-i', '2', '--node-args', plan.nodeArgs, '--kill-timeout', '8000'],
    );
    expect(pm2Commands.reload('api', {}, plan).args).toEqual(['reload', 'api', '--update-env', '--node-args', plan.nodeArgs, '--kill-timeout', '8000']);
    expect(formatCommand(pm2Commands.reload('api', {}))).toBe('pm2 reload api --update-env');
  });

  it("an ecosystem entry gets the preload before its own node_args and opsctl's kill_timeout unless it sets a longer one", () => {
    expect(withDrain({ name: 'api', node_args: '--max-old-space-size=512' }, plan, 'eco.cjs')).toEqual({ name: 'api', node_args: ['--require', file, '--max-old-space-size=512'], kill_timeout: 8000 });
    expect(withDrain({ name: 'api', interpreter_args: ['--inspect'], kill_timeout: 20_000 }, plan, 'eco.cjs')).toEqual({ name: 'api', node_args: ['--require', file, '--inspect'], kill_timeout: 20_000 });
    expect(() => withDrain({ name: 'api', kill_timeout: 1600 }, plan, 'eco.cjs')).toThrow(/kill_timeout: 1600 .* not above drain.grace \(5000 ms\)/);
  });

  it('knows an instance already running with it, and starts an app afresh when the drain is turned off (pm2 keeps node_args on reload)', () => {
    const running = (nodeArgs: string[], killTimeout = 8000) => ({ pm2_env: { node_args: nodeArgs, kill_timeout: killTimeout, exec_mode: 'cluster_mode', pm_exec_path: path.join(releases, 'current', 'server.cjs') } });
    expect(drainApplied(running(['--require', file]), plan)).toBe(true);
    expect(drainApplied(running(['--require', file], 1600), plan)).toBe(false);
    expect(drainApplied(running([]), plan)).toBe(false);
    const paths = appPaths({ script: 'server.cjs', instances: 2 }, releases, { root: path.join(releases, 'abc'), dir: path.join(releases, 'abc') });
    expect(needsFreshStart([running(['--require', file])], { paths, script: 'server.cjs' }, 2)).toMatch(/drain preload/);
    expect(needsFreshStart([running(['--require', file])], { paths, script: 'server.cjs', drain: plan }, 2)).toBeUndefined();
  });
});

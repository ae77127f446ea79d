// deploy and rollback's own logic (release folders, build, gate, automatic rollback, ledger, dry-run)
// against real git repositories, with a stand-in target driver that runs what the release folder says.
// The pm2, compose and swarm drivers have their own real tests (deploy-pm2, deploy-compose, deploy-swarm).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploy, type DeployRequest } from '../../src/deploy/deploy.js';
import { rollback } from '../../src/deploy/rollback.js';
import type { DeployDriver, DriverDeps, PreparedRelease } from '../../src/deploy/types.js';
import { appendEntry, readEntries } from '../../src/history/journal.js';
import { run as status } from '../../src/commands/status.js';
import { renderHistory } from '../../src/output/history-table.js';
import { createStyle } from '../../src/output/style.js';
import { createRunner } from '../../src/process/runner.js';
import { which } from '../../src/process/which.js';
import { createTestContext } from '../support/context.js';
import { planReleaseFolders } from '../../src/cleanup/releases.js';
import { requireTool } from '../support/real-tools.js';

const available = requireTool('git');

interface Stage {
  activations: string[];
  running?: PreparedRelease;
}

/** Runs nothing: "activates" a release by remembering it; healthy unless the release's VERSION file says "bad". */
function standInDriver(stage: Stage) {
  return (_env: unknown, deps: DriverDeps): DeployDriver => ({
    kind: 'pm2',
    name: 'stand-in',
    preflight: async () => [],
    verifyBuilt: async () => [],
    activate: async (release) => {
      if (deps.runner.dryRun) return;
      stage.activations.push(readFileSync(path.join(release.dir, 'VERSION'), 'utf8').trim());
      stage.running = release;
    },
    sample: async (release) => {
      const version = readFileSync(path.join(release.dir, 'VERSION'), 'utf8').trim();
      const ready = stage.running?.sha === release.sha && version !== 'bad';
      return { ready, fingerprint: 'same', summary: ready ? '1/1 online' : '0/1 online', problems: ready ? [] : [`${version} is not serving`] };
    },
    replicas: async () => 1,
    scale: async () => undefined,
  });
}

const sha40 = (c: string) => c.repeat(40);

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
}

function commit(dir: string, version: string): string {
  writeFileSync(path.join(dir, 'VERSION'), `${version}\n`);
  git(dir, 'add', 'VERSION');
  git(dir, 'commit', '-q', '-m', version);
  return git(dir, 'rev-parse', 'HEAD');
}

const CONFIG = `version: 1
app: flow
environments:
  prod:
    target: { pm2: { name: stand-in, script: server.js } }
    source: { repo: ., ref: main, build: ["node build.cjs \${OPSCTL_RELEASE}"], checks: ["node check.cjs"], keepReleases: 2 }
    deploy: { gate: { passes: 2, interval: 5ms, timeout: 300ms, settle: 0s } }
`;

function setup(options: { dryRun?: boolean; config?: string; path?: string } = {}) {
  const t = createTestContext({ config: options.config ?? CONFIG, dryRun: options.dryRun });
  const env = options.path ? { ...process.env, PATH: options.path } : process.env;
  const runner = createRunner({ dryRun: Boolean(options.dryRun), verbose: false, signal: t.controller.signal, log: (line) => t.logs.push(line), env });
  const ctx = { ...t.ctx, runner };
  git(t.dir, 'init', '-q', '-b', 'main');
  git(t.dir, 'config', 'user.email', 'test@example.com');
  git(t.dir, 'config', 'user.name', 'test');
  writeFileSync(path.join(t.dir, '.gitignore'), '.opsctl/\nbin/\npm2-home/\n');
  writeFileSync(path.join(t.dir, 'build.cjs'), "require('fs').writeFileSync('built.txt', `${process.argv[2]} ${process.env.OPSCTL_RELEASE} ${process.cwd()}`);\n");
  writeFileSync(path.join(t.dir, 'check.cjs'), "process.exit(require('fs').readFileSync('VERSION', 'utf8').trim() === 'untested' ? 1 : 0);\n");
  git(t.dir, 'add', '.gitignore', 'build.cjs', 'check.cjs', 'opsctl.yaml');
  const stage: Stage = { activations: [] };
  const request = (extra: Partial<DeployRequest> = {}): DeployRequest => ({ force: false, skipTests: false, autoRollback: true, ...extra });
  return { t, ctx, stage, request, make: standInDriver(stage), env: () => ctx.environment(), releases: path.join(t.stateDir, 'releases', 'prod') };
}

describe.skipIf(!available)('deploy and rollback with real git repositories (stand-in target)', () => {
  it('deploys a commit from its own release folder, built with OPSCTL_RELEASE, and journals it; the working copy is untouched', async () => {
    const s = setup();
    const v1 = commit(s.t.dir, 'v1');
    writeFileSync(path.join(s.t.dir, 'VERSION'), 'uncommitted work\n');
    const result = await deploy(s.ctx, s.env(), s.request(), s.make);
    expect(result).toMatchObject({ outcome: 'deployed', previous: null, running: v1, release: { sha: v1, ref: 'main' } });
    expect(result.steps.map((step) => `${step.name}:${step.status}`)).toEqual(['preflight:ok', 'resolve:ok', 'prepare:ok', 'build:ok', 'checks:ok', 'verify:ok', 'switch:ok', 'health:ok']);
    const folder = path.join(s.releases, v1.slice(0, 12));
    expect(readFileSync(path.join(folder, 'built.txt'), 'utf8')).toBe(`${v1} ${v1} ${folder}`);
    expect(s.stage.activations).toEqual(['v1']);
    expect(readFileSync(path.join(s.t.dir, 'VERSION'), 'utf8')).toBe('uncommitted work\n');
    expect(git(s.t.dir, 'rev-parse', 'HEAD')).toBe(v1);
    const [entry] = await readEntries(s.t.stateDir);
    expect(entry).toMatchObject({ type: 'deploy', result: 'success', details: { release: v1, running: v1, verdict: 'good' } });
    const shown = (await status(s.ctx, {})).data;
    expect(shown.deployed).toMatchObject({ sha: v1, shortSha: v1.slice(0, 7), subject: 'v1', verdict: 'good' });
  });

  it('a release failing its gate is rolled back to the previous one, marked bad, and refused without --force', async () => {
    const s = setup();
    const v1 = commit(s.t.dir, 'v1');
    await deploy(s.ctx, s.env(), s.request(), s.make);
    const bad = commit(s.t.dir, 'bad');
    const failed = await deploy(s.ctx, s.env(), s.request(), s.make);
    expect(failed).toMatchObject({ outcome: 'rolled-back', previous: v1, running: v1, rollback: { to: v1, ok: true } });
    expect(failed.error).toMatch(/bad is not serving/);
    expect(s.stage.activations).toEqual(['v1', 'bad', 'v1']);
    expect(failed.steps.filter((step) => step.name.startsWith('rollback')).map((step) => step.name)).toEqual(['rollback prepare', 'rollback build', 'rollback switch', 'rollback health']);
    const [journaled] = await readEntries(s.t.stateDir);
    expect(journaled).toMatchObject({ result: 'rolled-back', details: { release: bad, running: v1, verdict: 'bad' } });
    expect(renderHistory([journaled!], createStyle(false))).toContain(`${bad.slice(0, 7)} bad, back on ${v1.slice(0, 7)}`);
    expect((await status(s.ctx, {})).data.deployed).toMatchObject({ sha: v1 });
    await expect(deploy(s.ctx, s.env(), s.request(), s.make)).rejects.toThrow(/marked bad/);
    const forced = await deploy(s.ctx, s.env(), s.request({ force: true }), s.make);
    expect(forced.outcome).toBe('rolled-back');
  });

  it('--no-rollback leaves the failed release running; the first release has nothing to go back to', async () => {
    const s = setup();
    commit(s.t.dir, 'bad');
    const first = await deploy(s.ctx, s.env(), s.request(), s.make);
    expect(first).toMatchObject({ outcome: 'failed', rollback: null });
    const v2 = commit(s.t.dir, 'v2');
    await deploy(s.ctx, s.env(), s.request(), s.make);
    commit(s.t.dir, 'bad');
    const kept = await deploy(s.ctx, s.env(), s.request({ force: true, autoRollback: false }), s.make);
    expect(kept).toMatchObject({ outcome: 'failed', previous: v2, rollback: null });
    expect(s.stage.activations.at(-1)).toBe('bad');
  });

  it('a failing check stops before the switch: nothing changes, nothing is marked bad; --skip-tests skips it', async () => {
    const s = setup();
    const v1 = commit(s.t.dir, 'v1');
    await deploy(s.ctx, s.env(), s.request(), s.make);
    commit(s.t.dir, 'untested');
    const failed = await deploy(s.ctx, s.env(), s.request(), s.make);
    expect(failed).toMatchObject({ outcome: 'failed', running: v1 });
    expect(failed.steps.at(-1)).toMatchObject({ name: 'checks', status: 'failed' });
    expect(s.stage.activations).toEqual(['v1']);
    const skipped = await deploy(s.ctx, s.env(), s.request({ skipTests: true }), s.make);
    expect(skipped.outcome).toBe('deployed');
    expect(skipped.steps.find((step) => step.name === 'checks')).toMatchObject({ status: 'skipped', detail: '--skip-tests' });
  });

  it('deploying what already runs and is up changes nothing; --force, or a target that is not up on it, switches again', async () => {
    const s = setup();
    commit(s.t.dir, 'v1');
    await deploy(s.ctx, s.env(), s.request(), s.make);
    expect((await deploy(s.ctx, s.env(), s.request(), s.make)).outcome).toBe('unchanged');
    expect((await deploy(s.ctx, s.env(), s.request({ force: true }), s.make)).outcome).toBe('deployed');
    expect(s.stage.activations).toEqual(['v1', 'v1']);
    // Someone stopped the app since: history says v1 runs, the target says otherwise.
    s.stage.running = undefined;
    expect((await deploy(s.ctx, s.env(), s.request(), s.make)).outcome).toBe('deployed');
    expect(s.stage.activations).toEqual(['v1', 'v1', 'v1']);
  });

  it('rollback goes to the last good release or --to one, without a rebuild; old release folders beyond keepReleases go', async () => {
    const s = setup();
    const shas = ['v1', 'v2', 'v3', 'v4'].map((v) => commit(s.t.dir, v)).map((sha) => {
      git(s.t.dir, 'tag', `t-${sha.slice(0, 7)}`, sha);
      return sha;
    });
    for (const sha of shas) await deploy(s.ctx, s.env(), s.request({ ref: sha }), s.make);
    // Running v4 plus the newest 2 good ones before it (v3, v2): v1 is gone.
    expect(readdirSync(s.releases).filter((name) => name !== 'current').sort()).toEqual([shas[1]!, shas[2]!, shas[3]!].map((sha) => sha.slice(0, 12)).sort());
    const back = await rollback(s.ctx, s.env(), { force: false, restoreDb: false }, s.make);
    expect(back).toMatchObject({ operation: 'rollback', outcome: 'rolled-back', previous: shas[3], running: shas[2] });
    expect(back.steps.find((step) => step.name === 'build')).toMatchObject({ status: 'skipped' });
    const toOld = await rollback(s.ctx, s.env(), { to: shas[0]!.slice(0, 7), force: false, restoreDb: false }, s.make);
    expect(toOld).toMatchObject({ outcome: 'rolled-back', running: shas[0] });
    expect(toOld.steps.find((step) => step.name === 'build')).toMatchObject({ status: 'ok' });
    expect(s.stage.activations).toEqual(['v1', 'v2', 'v3', 'v4', 'v3', 'v1']);
    await expect(rollback(s.ctx, s.env(), { to: shas[0]!, force: false, restoreDb: false }, s.make)).rejects.toThrow(/runs on prod already/);
    await expect(rollback(s.ctx, s.env(), { force: false, restoreDb: false }, s.make)).rejects.toThrow(/no earlier good release/);
    await expect(rollback(s.ctx, s.env(), { to: shas[2]!, force: false, restoreDb: true }, s.make)).rejects.toThrow(/no linked backup/);
  });

  it('cleanup plans the release folders a failed or interrupted deploy left, never the running one', async () => {
    const s = setup();
    const v1 = commit(s.t.dir, 'v1');
    const v2 = commit(s.t.dir, 'v2');
    await deploy(s.ctx, s.env(), s.request({ ref: v2 }), s.make);
    const leftover = path.join(s.releases, v1.slice(0, 12));
    git(s.t.dir, 'worktree', 'add', '--detach', leftover, v1);
    const plan = await planReleaseFolders(s.ctx, s.env());
    expect(plan.removals.map((r) => r.item)).toEqual([expect.objectContaining({ kind: 'releases', what: leftover })]);
    expect(plan.removals[0]!.item.bytes).toBeGreaterThan(0);
    await plan.removals[0]!.remove();
    expect(existsSync(leftover)).toBe(false);
    expect(git(s.t.dir, 'worktree', 'list')).not.toContain(leftover);
    expect(existsSync(path.join(s.releases, v2.slice(0, 12)))).toBe(true);
  });

  it('a database the gate checks must answer before anything changes; a missing client is exit 127', async () => {
    const withDb = CONFIG.replace('    deploy:', '    databases: { main: { type: postgres, url: "postgres://app@127.0.0.1:1/app" } }\n    health: { databases: [main] }\n    deploy:');
    const down = setup({ config: withDb });
    commit(down.t.dir, 'v1');
    const refused = await deploy(down.ctx, down.env(), down.request(), down.make);
    expect(refused).toMatchObject({ outcome: 'failed', running: null, error: expect.stringMatching(/database main is down before the deploy/) });
    expect(refused.steps.at(-1)).toMatchObject({ name: 'preflight', status: 'failed' });
    expect(down.stage.activations).toEqual([]);
    // Only git and node on PATH: no psql.
    const bin = path.join(tmpdir(), `opsctl-flow-bin-${process.pid}`);
    mkdirSync(bin, { recursive: true });
    for (const tool of ['git', 'node']) if (!existsSync(path.join(bin, tool))) symlinkSync(which(tool)!, path.join(bin, tool));
    const noClient = setup({ config: withDb, path: bin });
    commit(noClient.t.dir, 'v1');
    const error = await deploy(noClient.ctx, noClient.env(), noClient.request(), noClient.make).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 127, message: expect.stringMatching(/cannot check database main.*psql/) });
    rmSync(bin, { recursive: true, force: true });
  });

  it('status says the release is unknown after a rollback that failed, not "nothing deployed"', async () => {
    const s = setup();
    const details = { release: sha40('b'), shortSha: 'bbbbbbb', previous: sha40('a'), running: null, verdict: 'bad', outcome: 'rollback-failed' };
    await appendEntry(s.t.stateDir, { type: 'deploy', environment: 'prod', app: 'flow', startedAt: new Date().toISOString(), durationMs: 1, result: 'failed', details });
    expect((await status(s.ctx, {})).data.deployed).toMatchObject({ shortSha: 'unknown', subject: 'since the deploy of bbbbbbb ended rollback-failed', verdict: 'unknown' });
  });

  it('--dry-run plans every step and changes nothing: no release folder, no worktree, no journal, no switch', async () => {
    const s = setup({ dryRun: true });
    commit(s.t.dir, 'v1');
    const worktrees = git(s.t.dir, 'worktree', 'list');
    const result = await deploy(s.ctx, s.env(), s.request(), s.make);
    expect(result.outcome).toBe('planned');
    expect(result.steps.map((step) => `${step.name}:${step.status}`)).toEqual(['preflight:ok', 'resolve:ok', 'prepare:planned', 'build:planned', 'checks:planned', 'switch:planned']);
    expect(s.t.logs.some((line) => /would run: git -C .* worktree add --force --detach/.test(line))).toBe(true);
    expect(s.t.logs.some((line) => /would run: node build\.cjs [0-9a-f]{40}/.test(line))).toBe(true);
    expect(existsSync(s.t.stateDir)).toBe(false);
    expect(git(s.t.dir, 'worktree', 'list')).toBe(worktrees);
    expect(s.stage.activations).toEqual([]);
  });
});

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, DIST, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { requireTool } from '../support/real-tools.js';

const available = requireTool('git');

async function git(repo: string, args: string[]): Promise<string> {
  const result = await execa('git', ['-C', repo, '-c', 'user.name=Real Test', '-c', 'user.email=real@test.invalid', '-c', 'commit.gpgsign=false', ...args]);
  return result.stdout.trim();
}

/** A node process that takes the environment's lock with the built lock module and keeps it until killed. */
function lockScript(dir: string): string {
  const file = path.join(dir, 'take-lock.mjs');
  const lockModule = pathToFileURL(path.join(DIST, 'history', 'lock.js')).href;
  writeFileSync(
    file,
    [
      `import { acquireLock } from ${JSON.stringify(lockModule)};`,
      'const [stateDir, environment, command, hold] = process.argv.slice(2);',
      'try {',
      '  const lock = await acquireLock(stateDir, environment, command);',
      "  process.stdout.write(JSON.stringify({ held: lock.info, reclaimed: lock.reclaimed ?? null }) + '\\n');",
      "  if (hold === 'hold') setInterval(() => {}, 60_000); else await lock.release();",
      '} catch (error) {',
      '  process.stderr.write(`error: ${error.message}\\n`);',
      '  process.exitCode = error.exitCode ?? 1;',
      '}',
    ].join('\n'),
  );
  return file;
}

describe.skipIf(!available)('status shows the release (git sha) and the lock holder', () => {
  let dir: string;
  let repo: string;
  let stateDir: string;
  let script: string;
  const holders: ChildProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('release');
    repo = makeTempDir('repo');
    await git(repo, ['init', '-q']);
    await git(repo, ['checkout', '-q', '-b', 'main']);
    writeFileSync(path.join(repo, 'app.js'), 'console.log(1);\n');
    await git(repo, ['add', 'app.js']);
    await git(repo, ['commit', '-q', '-m', 'Ship the first release']);
    stateDir = path.join(dir, 'state');
    writeConfig(dir, {
      version: 1,
      app: 'realrelease',
      environments: { production: { stateDir: 'state', source: { repo }, target: { pm2: { name: 'realrelease', script: 'app.js' } } } },
    });
    script = lockScript(dir);
  });

  afterAll(() => {
    for (const holder of holders) if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
    removeTempDirs();
  });

  /** Spawns a lock holder and resolves once it says it holds the lock. */
  async function startHolder(command: string): Promise<ChildProcess> {
    const holder = spawn(process.execPath, [script, stateDir, 'production', command, 'hold'], { stdio: ['ignore', 'pipe', 'inherit'] });
    holders.push(holder);
    const [chunk] = (await once(holder.stdout!, 'data')) as [Buffer];
    expect(String(chunk)).toContain('"held"');
    return holder;
  }

  async function killHolder(holder: ChildProcess): Promise<void> {
    const exited = once(holder, 'exit');
    holder.kill('SIGKILL');
    await exited;
  }

  // No pm2 daemon in this PM2_HOME: status reads the release without starting one.
  const env = () => cleanEnv({ PM2_HOME: path.join(dir, 'no-pm2') });

  it('--json and the table show the HEAD sha, branch and subject of the source repo', async () => {
    const sha = await git(repo, ['rev-parse', 'HEAD']);
    const shortSha = await git(repo, ['rev-parse', '--short', 'HEAD']);
    const json = await runCli(['status', '--json'], { cwd: dir, env: env() });
    expect(json.exitCode, json.stderr).toBe(0);
    expect(parseJson(json.stdout).release).toMatchObject({ repo, sha, shortSha, branch: 'main', subject: 'Ship the first release', dirty: false });
    const table = await runCli(['status'], { cwd: dir, env: env() });
    expect(table.stdout).toMatch(new RegExp(`source\\s+${shortSha} \\(main\\) Ship the first release`));
    // Nothing was deployed by opsctl: the working copy's HEAD is not passed off as the deployed release.
    expect(table.stdout).toMatch(/deployed\s+nothing deployed by opsctl yet/);
    expect(parseJson(json.stdout).deployed).toBeNull();
    expect(table.stdout).not.toContain('uncommitted');
  });

  it('flags uncommitted changes and follows a new commit', async () => {
    writeFileSync(path.join(repo, 'app.js'), 'console.log(2);\n');
    const dirty = parseJson((await runCli(['status', '--json'], { cwd: dir, env: env() })).stdout);
    expect(dirty.release.dirty).toBe(true);
    expect((await runCli(['status'], { cwd: dir, env: env() })).stdout).toContain('+uncommitted changes');
    await git(repo, ['commit', '-q', '-am', 'Second release']);
    const clean = parseJson((await runCli(['status', '--json'], { cwd: dir, env: env() })).stdout);
    expect(clean.release).toMatchObject({ sha: await git(repo, ['rev-parse', 'HEAD']), subject: 'Second release', dirty: false });
  });

  it('shows the holder of a held lock, then marks it stale once the holder dies', async () => {
    expect(parseJson((await runCli(['status', '--json'], { cwd: dir, env: env() })).stdout).lock).toBeNull();
    const holder = await startHolder('deploy --ref v2');
    const held = parseJson((await runCli(['status', '--json'], { cwd: dir, env: env() })).stdout).lock;
    expect(held).toMatchObject({ stale: false, holder: { pid: holder.pid, command: 'deploy --ref v2', environment: 'production' } });
    const table = (await runCli(['status'], { cwd: dir, env: env() })).stdout;
    expect(table).toContain(`held by "deploy --ref v2" pid ${holder.pid}`);
    expect(table).not.toContain('stale');

    await killHolder(holder);
    const stale = parseJson((await runCli(['status', '--json'], { cwd: dir, env: env() })).stdout).lock;
    expect(stale).toMatchObject({ stale: true, holder: { pid: holder.pid } });
    expect((await runCli(['status'], { cwd: dir, env: env() })).stdout).toContain('(stale: holder is gone)');
  });

  it('lock release exits 4 naming a live holder, as does a second process taking the lock', async () => {
    const holder = await startHolder('backup');
    const refused = await runCli(['lock', 'release'], { cwd: dir, env: env() });
    expect(refused.exitCode).toBe(4);
    expect(refused.stderr).toContain(`production is locked by "backup" (pid ${holder.pid}`);
    const json = await runCli(['lock', 'release', '--json'], { cwd: dir, env: env() });
    expect(json.exitCode).toBe(4);
    expect(parseJson(json.stdout)).toMatchObject({ error: { code: 'locked', exitCode: 4, details: { holder: { pid: holder.pid, command: 'backup' } } } });
    // The built lock module from another process: the same refusal, the same code.
    const second = await execa(process.execPath, [script, stateDir, 'production', 'deploy', 'release'], { reject: false });
    expect(second.exitCode).toBe(4);
    expect(second.stderr).toContain(`production is locked by "backup" (pid ${holder.pid}`);
    // Still held: the refusals removed nothing.
    expect(parseJson((await runCli(['lock', 'status', '--json'], { cwd: dir, env: env() })).stdout).lock.holder.pid).toBe(holder.pid);
    await killHolder(holder);
  });

  it("a dead holder's lock is released without --force, a live one only with it, and both are journalled", async () => {
    const dead = await startHolder('deploy');
    await killHolder(dead);
    const released = await runCli(['lock', 'release'], { cwd: dir, env: env() });
    expect(released.exitCode, released.stderr).toBe(0);
    expect(released.stdout).toContain(`Released the lock of production held by "deploy" (pid ${dead.pid}`);

    const live = await startHolder('restore');
    const forced = await runCli(['lock', 'release', '--force', '--json'], { cwd: dir, env: env() });
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(parseJson(forced.stdout)).toMatchObject({ lock: null, released: { pid: live.pid, command: 'restore' } });
    expect(parseJson((await runCli(['status', '--json'], { cwd: dir, env: env() })).stdout).lock).toBeNull();
    await killHolder(live);

    const history = parseJson((await runCli(['history', '--json', '--type', 'lock-release'], { cwd: dir, env: env() })).stdout);
    expect(history.entries.map((e: { details: { forced: boolean } }) => e.details.forced)).toEqual([true, false]);
  });

  it('a process taking the lock reclaims it from a dead holder', async () => {
    const dead = await startHolder('backup');
    await killHolder(dead);
    const taker = await execa(process.execPath, [script, stateDir, 'production', 'deploy', 'release'], { reject: false });
    expect(taker.exitCode, taker.stderr).toBe(0);
    expect(JSON.parse(taker.stdout).reclaimed).toMatchObject({ pid: dead.pid, command: 'backup' });
    expect(parseJson((await runCli(['status', '--json'], { cwd: dir, env: env() })).stdout).lock).toBeNull();
  });
});

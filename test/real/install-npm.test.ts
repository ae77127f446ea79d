// Route 1 of README's Install: `npm install -g <the packed tarball>` into an empty prefix, with a PATH that
// holds node and npm only, then the installed opsctl on a user's own app (git, pm2 as a user has them).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, makeTempDir, parseJson, REPO_ROOT, removeTempDirs, uniqueSuffix, whichTool, writeConfig } from '../support/real-cli.js';
import { installedPaths, installTarball, npmEnv, packTarball, toolsOnlyPath } from '../support/real-install.js';
import { freePort, jlist, killPm2 } from '../support/real-pm2.js';
import { PM2_BIN, requireTools } from '../support/real-tools.js';

const available = requireTools('pm2', 'git');
const VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const SERVER = "require('node:http').createServer((req, res) => { console.log(`request ${req.url}`); res.end(JSON.stringify({ status: 'ok' })); }).listen(Number(process.env.PORT), '127.0.0.1');\n";
const ECOSYSTEM = (name: string, port: number) => `module.exports = { apps: [{ name: '${name}', script: 'server.cjs', env: { PORT: '${port}' } }] };\n`;

describe.skipIf(!available)('npm install -g <packed tarball> on a clean PATH, then the own-app walkthrough', () => {
  const app = `shop-${uniqueSuffix()}`;
  let home: string;
  let prefix: string;
  let appDir: string;
  let files: string[];
  let installed: Awaited<ReturnType<typeof installTarball>>;
  let userPath: string;
  let tarball: string;
  let npmOnly: string;

  const opsctl = (args: string[]) =>
    execa(installedPaths(prefix).bin, args, { cwd: appDir, env: npmEnv(home, userPath, { PM2_HOME: path.join(home, 'pm2-home') }), extendEnv: false, reject: false, stdin: 'ignore', timeout: 120_000 });

  beforeAll(async () => {
    await ensureBuilt();
    home = makeTempDir('install-home');
    prefix = path.join(home, 'prefix');
    // npm runs package scripts and npx its command through sh, which every POSIX machine has.
    npmOnly = toolsOnlyPath({ node: process.execPath, npm: undefined, npx: undefined, ...(process.platform === 'win32' ? {} : { sh: undefined }) });
    const packed = await packTarball(home, npmEnv(home, npmOnly));
    ({ files, tarball } = packed);
    installed = await installTarball(packed.tarball, prefix, npmEnv(home, npmOnly));
    // The user's machine afterwards: the prefix's bin, node, git and a pm2 of their own.
    userPath = [installedPaths(prefix).binDir, toolsOnlyPath({ node: process.execPath, git: undefined, pm2: PM2_BIN })].join(path.delimiter);
    appDir = await makeApp(path.join(home, 'shop'), app, await freePort());
  }, 300_000);

  afterAll(async () => {
    if (home) await killPm2(path.join(home, 'pm2-home'), (await jlist(path.join(home, 'pm2-home')).catch(() => [])).map((p) => p.pid));
    removeTempDirs();
  });

  it('the tarball holds the launcher, the bundle and the runbooks: no sources, no tsc output, no tests', () => {
    expect(files).toContain('bin/opsctl.js');
    expect(files).toContain('bundle/opsctl.mjs');
    // The bundled dependencies' licences travel with their code.
    expect(files).toContain('bundle/THIRD-PARTY-LICENSES.txt');
    expect(files.some((f) => /^runbooks\/.+\.ya?ml$/.test(f))).toBe(true);
    expect(files.filter((f) => /^(src|dist|test|scripts|bench|examples)\//.test(f))).toEqual([]);
  });

  it('installs with the registry out of reach (--offline): the package has no dependencies to fetch', () => {
    expect(installed.exitCode, String(installed.stderr)).toBe(0);
    const { root } = installedPaths(prefix);
    expect(existsSync(path.join(root, 'node_modules'))).toBe(false);
    expect(readdirSync(path.join(root, 'bundle')).length).toBeGreaterThan(1);
  });

  it('opsctl is on the PATH the install made, and --version prints the package version', async () => {
    expect(whichTool('opsctl', userPath)).toBe(installedPaths(prefix).bin);
    const result = await opsctl(['--version']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(String(result.stdout).trim()).toBe(VERSION);
  });

  it('deploy, status, health-check, backup, logs and history work on the app with the installed CLI', async () => {
    const deploy = await opsctl(['deploy', '--json']);
    expect(deploy.exitCode, `${String(deploy.stdout)}\n${String(deploy.stderr)}`).toBe(0);
    const status = await opsctl(['status', '--json']);
    expect(status.exitCode, String(status.stderr)).toBe(0);
    expect(parseJson(String(status.stdout)).target.instances.map((i: { state: string }) => i.state)).toEqual(['online']);
    const health = await opsctl(['health-check', '--only', 'endpoints', '--json']);
    expect(health.exitCode, String(health.stdout)).toBe(0);
    const backup = await opsctl(['backup', '--json']);
    expect(backup.exitCode, String(backup.stderr)).toBe(0);
    const logs = await opsctl(['logs', '-n', '20', '--grep', 'request /health']);
    expect(logs.exitCode, String(logs.stderr)).toBe(0);
    expect(String(logs.stdout)).toContain('request /health');
    const history = await opsctl(['history', '--json']);
    expect(String(history.stdout)).toMatch(/"deploy"/);
  }, 240_000);

  it('npx runs it from the tarball without installing it (what `npx opsctl` does once it is published)', async () => {
    const cwd = makeTempDir('npx');
    const result = await execa('npx', ['--yes', '--offline', '--package', tarball, '--', 'opsctl', '--version'], { cwd, env: npmEnv(home, npmOnly), extendEnv: false, reject: false, stdin: 'ignore', timeout: 120_000 });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(String(result.stdout).trim()).toBe(VERSION);
  });

  it('runbook list finds the runbooks shipped in the package', async () => {
    const result = await opsctl(['runbook', 'list', '--json']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(path.resolve(parseJson(String(result.stdout)).shippedDir)).toBe(path.join(installedPaths(prefix).root, 'runbooks'));
  });
});

/** A user's app: a git repo on main with a server, a pm2 ecosystem file and opsctl.yaml. */
async function makeApp(dir: string, name: string, port: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'server.cjs'), SERVER);
  writeFileSync(path.join(dir, 'ecosystem.config.cjs'), ECOSYSTEM(name, port));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  writeFileSync(path.join(dir, '.gitignore'), '.opsctl/\nbackups/\n');
  writeConfig(dir, {
    version: 1,
    app: name,
    environments: {
      production: {
        target: { pm2: { name, ecosystem: 'ecosystem.config.cjs' } },
        source: { repo: '.', ref: 'main' },
        deploy: { gate: { passes: 2, interval: '1s', settle: '2s' } },
        health: { endpoints: [{ name: 'health', url: `http://127.0.0.1:${port}/health` }] },
        backup: { dir: 'backups', files: ['package.json'] },
      },
    },
  });
  const git = (args: string[]) => execa('git', args, { cwd: dir, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', PATH: process.env.PATH } });
  await git(['init', '-q', '-b', 'main']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'shop']);
  return dir;
}

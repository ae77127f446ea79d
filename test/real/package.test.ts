import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/registry/commands.js';
import { cleanEnv, makeTempDir, parseJson, pathWithout, REPO_ROOT, removeTempDirs, whichTool, writeConfig } from '../support/real-cli.js';
import { requireTool } from '../support/real-tools.js';

const RELEASE = path.join(REPO_ROOT, 'release');
const LINUX = path.join(RELEASE, 'opsctl-linux-x64');
const WINDOWS = path.join(RELEASE, 'opsctl-win-x64.exe');
const ARM64 = path.join(RELEASE, 'opsctl-linux-arm64');
const SUMS = path.join(RELEASE, 'SHA256SUMS');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const INPUTS = ['src', 'preload', 'runbooks', 'scripts/package.mjs', 'scripts/package', 'scripts/build', 'package.json', 'package-lock.json'];

// The Linux executable runs only here; building on Windows would need its own pinned node as the blob maker.
const available = requireTool('sea-linux-x64', () => (process.platform === 'linux' && process.arch === 'x64' ? undefined : `the Linux x64 executable cannot run on ${process.platform}-${process.arch}`));

function newestMtime(file: string): number {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(file).map((name) => newestMtime(path.join(file, name))));
}

/** `npm run package` (about 16 s) unless release/ is newer than everything it is made from. */
function ensurePackaged(): void {
  const built = Math.min(...[LINUX, WINDOWS, ARM64, SUMS].map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
  if (built > Math.max(...INPUTS.map((i) => newestMtime(path.join(REPO_ROOT, i))))) return;
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'package.mjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run package failed:\n${result.stdout}${result.stderr}`);
  console.log(result.stdout.trim());
}

/**
 * The arm64 executable runs under qemu-user with an aarch64 glibc: QEMU_LD_PREFIX names its root, else
 * Debian's cross packages' /usr/aarch64-linux-gnu (apt-get install qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross).
 */
const ARM64_ROOT = process.env.QEMU_LD_PREFIX ?? '/usr/aarch64-linux-gnu';
const QEMU = whichTool('qemu-aarch64-static');
const qemu = available && requireTool('qemu-aarch64', () => {
  if (!QEMU) return 'qemu-aarch64-static is not on PATH (apt-get install qemu-user-static)';
  return existsSync(path.join(ARM64_ROOT, 'lib', 'ld-linux-aarch64.so.1')) ? undefined : `no aarch64 glibc in ${ARM64_ROOT} (set QEMU_LD_PREFIX, or apt-get install libc6-arm64-cross libstdc++6-arm64-cross)`;
});

describe.skipIf(!available)('the standalone executables (npm run package)', () => {
  const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  let dir: string;
  let noNode: string;

  /** The Linux executable with an environment whose PATH holds no node at all. */
  const run = async (args: string[]) => {
    const env = cleanEnv({ PATH: noNode, PM2_HOME: path.join(dir, 'pm2-home'), HOME: dir });
    const result = await execa(LINUX, args, { cwd: dir, env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 30_000 });
    return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
  };

  beforeAll(() => {
    ensurePackaged();
    dir = makeTempDir('package');
    noNode = pathWithout(['node']);
    writeConfig(dir, { version: 1, app: 'packaged', environments: { local: { target: { pm2: { name: 'packaged-app', script: 'app.js' } } } } });
  }, 300_000);
  afterAll(removeTempDirs);

  it('runs where PATH has no node: --version prints the package version', async () => {
    expect(whichTool('node', noNode)).toBeUndefined();
    const result = await run(['--version']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(version);
    // No "experimental feature" warning from the SEA runtime.
    expect(result.stderr).toBe('');
  });

  it('--help lists every command', async () => {
    const result = await run(['--help']);
    expect(result.exitCode, result.stderr).toBe(0);
    const listed = result.stdout.split('Commands:')[1] ?? '';
    for (const spec of COMMANDS) expect(listed).toMatch(new RegExp(`^  ${spec.name}\\b`, 'm'));
  });

  it('status --json loads its command module from the bundle and reports the pm2 daemon as not running (exit 0)', async () => {
    const result = await run(['status', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const data = parseJson(result.stdout);
    expect(data).toMatchObject({ environment: 'local', app: 'packaged', target: { kind: 'pm2', name: 'packaged-app', instances: [] } });
    expect(data.target.notes.join('\n')).toContain('pm2 daemon is not running');
  });

  it('schedule --print names the executable itself as the command to run (no node, no script path)', async () => {
    const result = await run(['schedule', 'status', '--every', '15m', '--print', '-e', 'local']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(` ${LINUX} status -e local`);
  });

  it('an unknown command is a usage error: exit 2 and one JSON error document', async () => {
    const result = await run(['no-such-command', '--json']);
    expect(result.exitCode).toBe(2);
    expect(parseJson(result.stdout).error).toMatchObject({ code: 'usage', exitCode: 2 });
  });

  it('the Linux file is an ELF with the SEA fuse set', () => {
    const bytes = readFileSync(LINUX);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(bytes.includes(`${FUSE}:1`)).toBe(true);
  });

  it('the Windows .exe is a PE file carrying the NODE_SEA_BLOB resource with this bundle and the fuse set', () => {
    const bytes = readFileSync(WINDOWS);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('MZ');
    const pe = bytes.readUInt32LE(0x3c);
    expect(bytes.subarray(pe, pe + 4).toString('latin1')).toBe('PE\0\0');
    // PE resource names are UTF-16LE; the unmodified node.exe has none of these.
    expect(bytes.includes(Buffer.from('NODE_SEA_BLOB', 'utf16le'))).toBe(true);
    expect(bytes.includes(`${FUSE}:1`)).toBe(true);
    expect(bytes.includes('__opsctlModuleUrl')).toBe(true);
  });

  it('SHA256SUMS covers every executable and the runbooks archive, and sha256sum -c passes on them', () => {
    const listed = readFileSync(SUMS, 'utf8').trim().split('\n').map((line) => line.split('  ')[1]);
    expect(listed).toEqual(['opsctl-linux-arm64', 'opsctl-linux-x64', 'opsctl-runbooks.tar.gz', 'opsctl-win-x64.exe']);
    const checked = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: RELEASE, encoding: 'utf8' });
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout.trim().split('\n')).toEqual(listed.map((name) => `${name}: OK`));
  });

  it('the runbooks archive unpacks to runbooks/ with the shipped runbooks', () => {
    const listing = spawnSync('tar', ['-tzf', path.join(RELEASE, 'opsctl-runbooks.tar.gz')], { encoding: 'utf8' });
    const shipped = readdirSync(path.join(REPO_ROOT, 'runbooks')).filter((f) => /\.ya?ml$/.test(f));
    expect(listing.stdout.split('\n').filter((f) => /\.ya?ml$/.test(f)).sort()).toEqual(shipped.map((f) => `runbooks/${f}`).sort());
  });

  it.skipIf(!qemu)('the Linux arm64 executable prints the package version under qemu-aarch64-static', async () => {
    const env = cleanEnv({ PATH: noNode, HOME: dir, QEMU_LD_PREFIX: ARM64_ROOT });
    // By full path: PATH here is one without node, which on Debian is also without /usr/bin.
    const result = await execa(QEMU!, [ARM64, '--version'], { cwd: dir, env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 180_000 });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(String(result.stdout).trim()).toBe(version);
  }, 200_000);

  it('the Linux arm64 file is an aarch64 ELF with the SEA fuse set', () => {
    const bytes = readFileSync(ARM64);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    // e_machine at 0x12: 183 is EM_AARCH64.
    expect(bytes.readUInt16LE(0x12)).toBe(183);
    expect(bytes.includes(`${FUSE}:1`)).toBe(true);
  });

  it('runbook list finds the shipped runbooks in runbooks/ beside the executable', async () => {
    const shipped = readdirSync(path.join(REPO_ROOT, 'runbooks')).filter((f) => /\.ya?ml$/.test(f));
    const result = await run(['runbook', 'list', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const data = parseJson(result.stdout);
    expect(path.resolve(data.shippedDir)).toBe(path.join(RELEASE, 'runbooks'));
    expect(data.runbooks.map((r: { file: string }) => path.basename(r.file)).sort()).toEqual(shipped.sort());
    expect(data.runbooks.length).toBeGreaterThan(0);
  });

  it('runbook run shows each opsctl step as its command does (renderers load from the bundle), not raw JSON', async () => {
    const result = await run(['runbook', 'run', 'incident-triage', '-e', 'local']);
    expect([0, 3], result.stderr).toContain(result.exitCode);
    expect(result.stdout).toMatch(/── 1\. status\nenvironment +local \(packaged\)/);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
  });

  it('runbook run starts the executable itself for its opsctl steps (no node on PATH)', async () => {
    const result = await run(['runbook', 'run', 'morning-check', '-e', 'local', '--json']);
    const data = parseJson(result.stdout);
    const [status] = data.steps;
    expect(status, result.stderr).toMatchObject({ name: 'status', result: 'passed', exitCode: 0 });
    expect(status.output.target).toMatchObject({ kind: 'pm2', name: 'packaged-app' });
  });
});

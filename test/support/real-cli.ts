/** Runs the BUILT opsctl (bin/opsctl.js, which runs bundle/ as the npm package does) as a user would: argv arrays, a clean environment, temp folders. */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import YAML from 'yaml';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI_BIN = path.join(REPO_ROOT, 'bin', 'opsctl.js');
export const DIST = path.join(REPO_ROOT, 'dist');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

type Env = Record<string, string | undefined>;

/** The caller's environment without anything that would steer opsctl, plus NO_COLOR so output is plain. */
export function cleanEnv(extra: Env = {}): Env {
  const env: Env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(OPSCTL_|PM2_|FORCE_COLOR$|NO_COLOR$|DOCKER_CONTEXT$)/.test(key)) continue;
    env[key] = value;
  }
  // Windows names are case-insensitive: an override of PATH must replace Path, not sit beside it.
  if (process.platform === 'win32') {
    const overridden = new Set(Object.keys(extra).map((key) => key.toUpperCase()));
    for (const key of Object.keys(env)) if (overridden.has(key.toUpperCase())) delete env[key];
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

export async function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  const started = Date.now();
  const result = await startCli(args, options);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr), durationMs: Date.now() - started };
}

/** The CLI as a running child, for tests that signal it. */
export function startCli(args: string[], options: CliOptions): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: options.timeoutMs ?? 60_000,
    windowsHide: true,
  }) as ResultPromise<{ reject: false }>;
}

/** Parses stdout as exactly one JSON document (JSON.parse rejects anything before or after it). */
export function parseJson<T = any>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

const tempDirs: string[] = [];

export function makeTempDir(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `opsctl-real-${label}-`));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

export function uniqueSuffix(): string {
  return `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

/** Writes opsctl.yaml into dir and returns its path. */
export function writeConfig(dir: string, config: unknown): string {
  const file = path.join(dir, 'opsctl.yaml');
  writeFileSync(file, typeof config === 'string' ? config : YAML.stringify(config));
  return file;
}

export function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (process.platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findIn(dir: string, tool: string): string | undefined {
  const exts = process.platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : [''];
  return exts.map((ext) => path.join(dir, tool + ext)).find(isExecutable);
}

export function whichTool(tool: string, pathValue = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathValue.split(path.delimiter).filter(Boolean)) {
    const found = findIn(dir, tool);
    if (found) return found;
  }
  return undefined;
}

/**
 * PATH without every folder that holds one of `without`; each tool of `keep` that went with such a
 * folder comes back through a folder of links to it alone (POSIX /usr/bin holds docker and git alike).
 */
export function pathWithout(without: string[], keep: string[] = []): string {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const kept = dirs.filter((dir) => !without.some((tool) => findIn(dir, tool)));
  const lost = keep.filter((tool) => !whichTool(tool, kept.join(path.delimiter)));
  if (lost.length > 0) {
    const shims = makeTempDir('shims');
    for (const tool of lost) {
      const real = whichTool(tool);
      if (!real) throw new Error(`${tool} is not on PATH: cannot keep it`);
      symlinkSync(real, path.join(shims, path.basename(real)));
    }
    kept.unshift(shims);
  }
  return kept.join(path.delimiter);
}

/** Polls until fn returns a value other than undefined/false, or throws after timeoutMs. */
export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Builds dist/ when it is missing or older than src/ (`npm test` has just built it; a bare
 * `vitest run test/real` may not have). A lock folder keeps two test workers from building at once.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = path.join(os.tmpdir(), `opsctl-real-build-${Buffer.from(REPO_ROOT).toString('hex').slice(-24)}.lock`);
  await waitFor('the build lock', () => tryLock(lock), 180_000, 200);
  try {
    if (!isStale()) return;
    const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    // What `npm run build` runs: tsc into dist/, then the bundle bin/opsctl.js imports (bundle/).
    for (const args of [[tsc, '-p', 'tsconfig.build.json'], [path.join(REPO_ROOT, 'scripts', 'build', 'npm-bundle.mjs')]]) {
      const result = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A worker that died while building leaves its lock: it is reclaimed after three minutes.
    if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

function isStale(): boolean {
  const built = [path.join(DIST, 'cli', 'main.js'), path.join(REPO_ROOT, 'bundle', 'opsctl.mjs')];
  if (!built.every(existsSync)) return true;
  return newestMtime(path.join(REPO_ROOT, 'src')) > Math.min(...built.map((file) => statSync(file).mtimeMs));
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

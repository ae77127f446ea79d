import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, cleanEnv, ensureBuilt, makeTempDir, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { probeCommand, requireTool } from '../support/real-tools.js';

const hasBash = requireTool('bash', () => (process.platform === 'win32' ? 'bash completion is tested on POSIX' : probeCommand('bash', ['--version']).problem));
const hasZsh = requireTool('zsh', () => (process.platform === 'win32' ? 'zsh is tested on POSIX' : probeCommand('zsh', ['--version']).problem ? 'zsh is not installed (apt-get install -y zsh)' : undefined));

let root: string;
let binDir: string;
let project: string;

beforeAll(async () => {
  await ensureBuilt();
  root = makeTempDir('completion');
  // `opsctl` on PATH as a user has it: the script runs "${COMP_WORDS[0]}" completion --environments.
  binDir = path.join(root, 'bin');
  mkdirSync(binDir);
  writeFileSync(path.join(binDir, 'opsctl'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_BIN)} "$@"\n`, { mode: 0o755 });
  project = path.join(root, 'project', 'sub');
  mkdirSync(project, { recursive: true });
  const pm2 = { target: { pm2: { script: 'app.js' } } };
  const remotes = (...names: string[]) => ({ ...pm2, backup: { remotes: names.map((name) => ({ name, type: 'rclone', remote: `${name}:sets` })) } });
  writeConfig(path.dirname(project), { version: 1, app: 'shop', environments: { production: remotes('nas', 'offsite'), staging: remotes('staging-nas'), 'eu-west': pm2 } });
  writeConfig(root, { version: 1, app: 'other', environments: { qa: pm2 } });
});
afterAll(removeTempDirs);

describe.skipIf(!hasBash)('bash completion (real bash, the script sourced)', () => {
  let script: string;
  beforeAll(async () => {
    const result = await runCli(['completion', 'bash'], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    script = path.join(root, 'opsctl.bash');
    writeFileSync(script, result.stdout);
  });

  /** COMPREPLY after completing the last word of `line` (a trailing space completes an empty word). */
  function complete(line: string, cwd = project): string[] {
    const words = line.split(' ');
    const program = `source ${JSON.stringify(script)}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})\nCOMP_CWORD=${words.length - 1}\n_opsctl\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
    const env = cleanEnv({ PATH: `${binDir}${path.delimiter}${process.env.PATH}` });
    const result = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { cwd, env, encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter(Boolean);
  }

  it('completes commands', () => {
    expect(complete('opsctl ')).toEqual(expect.arrayContaining(['status', 'health-check', 'backup', 'schedule', 'init', 'completion']));
    expect(complete('opsctl he')).toEqual(['health-check']);
    expect(complete('opsctl -e production sch')).toEqual(['schedule']);
  });
  it('completes a command\'s options and the global ones', () => {
    expect(complete('opsctl backup --re')).toEqual(['--restore-test', '--remote']);
    expect(complete('opsctl schedule --da')).toEqual(['--daily']);
    expect(complete('opsctl status --dr')).toEqual(['--dry-run']);
    expect(complete('opsctl --js')).toEqual(['--json']);
  });
  it('completes environment names from the opsctl.yaml found from the working folder', () => {
    expect(complete('opsctl status -e ').sort()).toEqual(['eu-west', 'production', 'staging']);
    expect(complete('opsctl --env pr')).toEqual(['production']);
    expect(complete('opsctl -e ', root)).toEqual(['qa']);
  });
  it('follows -c given on the line', () => {
    expect(complete(`opsctl -c ${path.join(root, 'opsctl.yaml')} status -e `)).toEqual(['qa']);
  });
  it('offers nothing (and prints nothing) for -e without a config', () => {
    expect(complete('opsctl -e ', path.parse(root).root)).toEqual([]);
  });
  it('completes the shells after completion', () => {
    expect(complete('opsctl completion ')).toEqual(['bash', 'zsh', 'powershell']);
  });
  it('completes the actions of backup, runbook, lock and schedule, and runbook names after show and run', () => {
    expect(complete('opsctl backup ')).toEqual(['list', 'verify', 'prune', 'pull', 'upload']);
    expect(complete('opsctl -e production lock r')).toEqual(['release']);
    expect(complete('opsctl schedule ')).toEqual(['list', 'remove']);
    expect(complete('opsctl runbook ')).toEqual(['list', 'show', 'run']);
    expect(complete('opsctl runbook run mor')).toEqual(['morning-check']);
    expect(complete('opsctl runbook show ')).toEqual(expect.arrayContaining(['dr-drill', 'morning-check', 'weekly-maintenance']));
  });
  it('completes option values, each of a comma-separated list: cleanup --only, logs --level', () => {
    expect(complete('opsctl cleanup --only ')).toEqual(['docker', 'temp', 'backups', 'pm2-logs', 'releases']);
    expect(complete('opsctl cleanup --only docker,te')).toEqual(['docker,temp']);
    expect(complete('opsctl logs -l wa')).toEqual(['warn']);
  });
  it('offers --help once after a command', () => {
    expect(complete('opsctl deploy --').filter((o) => o === '--help')).toEqual(['--help']);
  });
  it('completes remote names from backup.remotes of the environment chosen on the line (-e before or after the command)', () => {
    expect(complete('opsctl -e production restore latest --from ')).toEqual(['nas', 'offsite']);
    expect(complete('opsctl restore latest -e staging --from ')).toEqual(['staging-nas']);
    expect(complete('opsctl -e production backup list --remote o')).toEqual(['offsite']);
    expect(complete('opsctl -e production backup pull latest --from ')).toEqual(['nas', 'offsite']);
    expect(complete('opsctl backup prune --env production --remote ')).toEqual(['nas', 'offsite']);
    expect(complete('opsctl -e eu-west restore latest --from ')).toEqual([]);
  });
  it('offers every environment\'s remotes when none is chosen, and nothing for an unknown environment', () => {
    expect(complete('opsctl restore latest --from ')).toEqual(['nas', 'offsite', 'staging-nas']);
    expect(complete('opsctl -e nowhere restore latest --from ')).toEqual([]);
  });
  it('an option after backup --remote (its name is optional) completes as an option', () => {
    expect(complete('opsctl -e production backup list --remote --js')).toEqual(['--json']);
  });
  it('completes environment names after restore --from-env, following -c', () => {
    expect(complete('opsctl restore latest -e staging --from-env ')).toEqual(['production', 'staging', 'eu-west']);
    expect(complete('opsctl restore latest -e staging --from-env p')).toEqual(['production']);
    expect(complete(`opsctl -c ${path.join(root, 'opsctl.yaml')} restore latest --from-env `)).toEqual(['qa']);
  });
});

describe('completion --environments', () => {
  it('prints the names one a line, and nothing with exit 0 when no config is found', async () => {
    const found = await runCli(['completion', '--environments'], { cwd: project });
    expect(found).toMatchObject({ exitCode: 0, stdout: 'production\nstaging\neu-west', stderr: '' });
    const none = await runCli(['completion', '--environments'], { cwd: path.parse(root).root });
    expect(none).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
  });
  it('--words remotes and --words environments print names one a line; nothing with exit 0 when no config is found', async () => {
    expect(await runCli(['-e', 'production', 'completion', '--words', 'remotes'], { cwd: project })).toMatchObject({ exitCode: 0, stdout: 'nas\noffsite', stderr: '' });
    expect(await runCli(['completion', '--words', 'environments'], { cwd: project })).toMatchObject({ exitCode: 0, stdout: 'production\nstaging\neu-west', stderr: '' });
    expect(await runCli(['completion', '--words', 'remotes'], { cwd: path.parse(root).root })).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
  });
  it('refuses an unknown shell with exit 2', async () => {
    const result = await runCli(['completion', 'fish'], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('opsctl completion bash');
  });
});

describe.skipIf(!hasZsh)('zsh completion script', () => {
  it('parses (zsh -n) and registers itself when sourced after compinit', async () => {
    const result = await runCli(['completion', 'zsh'], { cwd: root });
    const file = path.join(root, '_opsctl');
    writeFileSync(file, result.stdout);
    expect(probeCommand('zsh', ['-n', file]).problem).toBeUndefined();
    const sourced = spawnSync('zsh', ['-f', '-c', `autoload -Uz compinit && compinit -u -D && source ${JSON.stringify(file)} && print -r -- $_comps[opsctl]`], { encoding: 'utf8', timeout: 30_000 });
    expect(sourced.stderr).toBe('');
    expect(sourced.stdout.trim()).toBe('_opsctl');
  });

  /** What _opsctl offers for `line`, with compadd, _describe and _files stubbed to print their candidates. */
  function complete(line: string): string[] {
    const words = line.split(' ');
    const program = [
      'compdef() { : }',
      'compadd() { if [[ $1 == -a ]]; then print -l -- ${(P)2}; else print -l -- "$@"; fi }',
      '_describe() { shift 3; local a; for a in "$@"; do [[ $a == -- ]] || print -l -- ${${(P)a}%%:*}; done }',
      '_files() { print -- FILES }',
      `source ${JSON.stringify(path.join(root, '_opsctl'))}`,
      `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}`,
      '_opsctl',
    ].join('\n');
    const env = cleanEnv({ PATH: `${binDir}${path.delimiter}${process.env.PATH}` });
    const result = spawnSync('zsh', ['-f', '-c', program], { cwd: project, env, encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter(Boolean);
  }

  it('offers commands, options, environment names and shells', () => {
    expect(complete('opsctl ')).toEqual(expect.arrayContaining(['status', 'schedule', 'completion']));
    expect(complete('opsctl backup --')).toEqual(expect.arrayContaining(['--restore-test', '--dry-run', '--json']));
    expect(complete('opsctl status -e ')).toEqual(['production', 'staging', 'eu-west']);
    expect(complete('opsctl completion ')).toEqual(['bash', 'zsh', 'powershell']);
  });
  it('offers remote names of the environment on the line after restore --from and backup --remote, environments after --from-env', () => {
    expect(complete('opsctl -e production restore latest --from ')).toEqual(['nas', 'offsite']);
    expect(complete('opsctl backup list -e staging --remote ')).toEqual(['staging-nas']);
    expect(complete('opsctl restore latest -e staging --from-env ')).toEqual(['production', 'staging', 'eu-west']);
    expect(complete('opsctl -e production backup list --remote --')).toEqual(expect.arrayContaining(['--json', '--from']));
  });
  it('offers actions, runbook names and --help once', () => {
    expect(complete('opsctl backup ')).toEqual(['list', 'verify', 'prune', 'pull', 'upload']);
    expect(complete('opsctl runbook run ')).toEqual(expect.arrayContaining(['dr-drill', 'morning-check']));
    expect(complete('opsctl deploy --').filter((o) => o === '--help')).toEqual(['--help']);
  });
});

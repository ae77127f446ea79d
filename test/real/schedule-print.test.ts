// `schedule ... --print` gives a line to paste into a crontab (docs/schedules.md): run here exactly as cron
// runs it, `/bin/sh -c <command>` with cron's own environment, from a folder whose logs/ does not exist yet.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, whichTool, writeConfig } from '../support/real-cli.js';
import { pathWithPm2 } from '../support/real-pm2.js';
import { requireTool, requireTools } from '../support/real-tools.js';

// The crontab gate (listed as optional where there is no cron, as on Windows): entries run with /bin/sh.
const available = requireTools('pm2') && requireTool('crontab', () => (whichTool('sh', '/bin:/usr/bin') ? undefined : 'cron runs entries with /bin/sh, which this machine lacks'));

/** cron's environment (Debian's cron, vixie-derived): HOME, LOGNAME and SHELL of the user, PATH=/usr/bin:/bin. */
function cronEnv(home: string): Record<string, string> {
  return { HOME: home, LOGNAME: 'opsctl-test', SHELL: '/bin/sh', PATH: '/usr/bin:/bin' };
}

/** The command part of a crontab line as cron hands it to the shell: after the 5 fields, `\%` back to `%`. */
function cronCommand(line: string): string {
  return line.trim().split(/\s+/).slice(5).join(' ').replace(/\\%/g, '%');
}

describe.skipIf(!available)('schedule --print: the printed crontab line runs as pasted', () => {
  let dir: string;
  let home: string;
  let pm2Home: string;
  let pyenv: string;
  let line: string;

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('schedule-print');
    home = makeTempDir('schedule-print-home');
    pm2Home = path.join(home, 'pm2 home');
    // A folder of the interactive PATH that no scheduled run should get (pyenv's shims, cargo's bin).
    pyenv = path.join(home, '.pyenv', 'shims');
    mkdirSync(pyenv, { recursive: true });
    writeConfig(dir, { version: 1, app: 'shop', environments: { production: { target: { pm2: { name: 'shop-cron', script: 'app.js' } } } } });
    const env = cleanEnv({ PATH: [pyenv, pathWithPm2()].join(path.delimiter), PM2_HOME: pm2Home, HOME: home });
    const result = await runCli(['schedule', '-e', 'production', '--every', '5m', '--print', '--', 'status', '--json'], { cwd: dir, env });
    expect(result.exitCode, result.stderr).toBe(0);
    line = result.stdout.trim();
  });
  afterAll(removeTempDirs);

  it('prints one crontab line with a minimal PATH (node and pm2, not the interactive PATH) and PM2_HOME', () => {
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^\*\/5 \* \* \* \* cd /);
    const pathValue = /PATH=(\S+)/.exec(line)![1]!;
    expect(pathValue.split(':')).toContain(path.dirname(process.execPath));
    expect(pathValue.split(':')).toContain(path.dirname(whichTool('pm2', pathWithPm2())!));
    expect(line).not.toContain(pyenv);
    expect(line).toContain(`PM2_HOME='${pm2Home}'`);
  });

  it('runs under sh -c with cron\'s environment: creates the missing log folder and logs opsctl\'s output there', async () => {
    const logs = path.join(dir, '.opsctl', 'logs');
    expect(existsSync(logs)).toBe(false);
    const result = await execa('/bin/sh', ['-c', cronCommand(line)], { cwd: home, env: cronEnv(home), extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000 });
    expect(result.exitCode, `${String(result.stdout)}${String(result.stderr)}`).toBe(0);
    const data = parseJson(readFileSync(path.join(logs, 'shop-production-status.log'), 'utf8'));
    expect(data).toMatchObject({ environment: 'production', app: 'shop', target: { kind: 'pm2', name: 'shop-cron' } });
    // pm2 ran from the entry's PATH against the entry's PM2_HOME: no daemon there, none started in ~/.pm2.
    expect(data.target.notes.join('\n')).toContain('pm2 daemon is not running');
    expect(existsSync(path.join(home, '.pm2'))).toBe(false);
  });

  it('runs again into the same log (the folder exists now): the second run appends', async () => {
    const result = await execa('/bin/sh', ['-c', cronCommand(line)], { cwd: home, env: cronEnv(home), extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000 });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const text = readFileSync(path.join(dir, '.opsctl', 'logs', 'shop-production-status.log'), 'utf8');
    // Two runs, two documents (a status document may name the environment more than once).
    expect(text.match(/^\{$/gm)).toHaveLength(2);
  });
});

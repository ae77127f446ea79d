// An ecosystem with log_date_format "DD/MM/YYYY HH:mm:ss": pm2 stamps every line the app writes in
// the daemon's local time. The daemon and opsctl run in a zone off UTC by a half hour, so a stamp read
// as UTC (or as text) cannot pass; the app records the moment of each write for the truth.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, removeTempDirs, runCli, uniqueSuffix, waitFor, writeConfig } from '../support/real-cli.js';
import { jlist, killPm2, pathWithPm2, type Pm2Process } from '../support/real-pm2.js';
import { PM2_BIN, requireTool } from '../support/real-tools.js';

const available = requireTool('pm2');
const TZ = 'America/St_Johns';

/** Three phases, each 200 ms into a later second than the one before; phase 2 also prints an error's stack to stderr. */
const APP = `
const moments = [];
const intoNextSecond = () => new Promise((resolve) => setTimeout(resolve, 1200 - (Date.now() % 1000)));
(async () => {
  for (const phase of [1, 2, 3]) {
    await intoNextSecond();
    moments.push(Date.now());
    console.log('phase ' + phase + ' first');
    console.log('phase ' + phase + ' second');
    if (phase === 2) console.error(new Error('boom in phase 2').stack);
  }
  require('node:fs').writeFileSync(process.env.MOMENTS_FILE, JSON.stringify(moments));
  setInterval(() => {}, 60_000);
})();
`;

describe.skipIf(!available)('logs of a real pm2 app with log_date_format "DD/MM/YYYY HH:mm:ss" (own PM2_HOME)', () => {
  const name = `opsctl-datefmt-${uniqueSuffix()}`;
  let dir: string;
  let home: string;
  let started: Pm2Process[] = [];
  /** The second each phase was written in, as epoch ms: what pm2's stamp says. */
  let seconds: number[] = [];
  const env = () => cleanEnv({ PM2_HOME: home, PATH: pathWithPm2(), TZ });
  const logs = (args: string[]) => runCli(['logs', '-e', 'prod', ...args], { cwd: dir, env: env() });
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('logs-pm2-date');
    home = path.join(dir, 'pm2-home');
    const moments = path.join(dir, 'moments.json');
    writeFileSync(path.join(dir, 'app.cjs'), APP);
    writeFileSync(path.join(dir, 'ecosystem.config.cjs'), `module.exports = { apps: [{ name: '${name}', script: 'app.cjs', cwd: __dirname, log_date_format: 'DD/MM/YYYY HH:mm:ss', env: { MOMENTS_FILE: ${JSON.stringify(moments)} } }] };\n`);
    writeConfig(dir, { version: 1, app: 'reallogsdate', environments: { prod: { target: { pm2: { name, ecosystem: 'ecosystem.config.cjs' } } } } });
    // The first pm2 call starts the daemon: in TZ, so its stamps are that zone's local time.
    await execa(process.execPath, [PM2_BIN, 'start', 'ecosystem.config.cjs'], { cwd: dir, env: cleanEnv({ PM2_HOME: home, TZ }), extendEnv: false, stdin: 'ignore', timeout: 60_000 });
    started = await jlist(home);
    const written = await waitFor('the app\'s three phases', () => existsSync(moments) && (JSON.parse(readFileSync(moments, 'utf8')) as number[]), 30_000, 200);
    seconds = written.map((ms) => Math.floor(ms / 1000) * 1000);
    const outFile = path.join(home, 'logs', `${name}-out.log`);
    await waitFor('pm2 to write phase 3', () => existsSync(outFile) && readFileSync(outFile, 'utf8').includes('phase 3 second'), 30_000, 200);
  }, 120_000);

  afterAll(async () => {
    if (home) await killPm2(home, started.map((p) => p.pid));
    removeTempDirs();
  });

  it('--since selects exactly the lines pm2 stamped at or after it, ordered with stderr\'s error, each shown with its time', async () => {
    const result = await logs(['--since', iso(seconds[1]!)]);
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    const phases = lines.filter((line) => line.includes('/out '));
    expect(phases.map((line) => line.replace(/^.*: /, ''))).toEqual(['phase 2 first', 'phase 2 second', 'phase 3 first', 'phase 3 second']);
    phases.forEach((line, i) => expect(line).toMatch(new RegExp(`^${name}#\\d+/out ${iso(seconds[1 + Math.floor(i / 2)]!)} \\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2}: phase`)));
    const error = lines.findIndex((line) => line.includes('Error: boom in phase 2'));
    expect(lines[error]).toMatch(new RegExp(`^${name}#\\d+/err ${iso(seconds[1]!)} `));
    expect(lines[error + 1]).toMatch(new RegExp(`^${name}#\\d+/err .*: {5}at `));
    expect(error).toBeLessThan(lines.findIndex((line) => line.endsWith('phase 3 first')));
  });

  it('--since and --until on one second: only what pm2 stamped in it', async () => {
    const result = await logs(['--since', iso(seconds[1]!), '--until', iso(seconds[1]! + 999), '--grep', 'phase \\d (first|second)']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split('\n').map((line) => line.replace(/^.*: /, ''))).toEqual(['phase 2 first', 'phase 2 second']);
  });

  it('--level error --json: the error and its stack as one record, at the moment pm2 stamped', async () => {
    const result = await logs(['--level', 'error', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const records = result.stdout.split('\n').map((line) => JSON.parse(line) as { time?: string; level?: string; message: string });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ time: iso(seconds[1]!), level: 'error' });
    expect(records[0]!.message).toMatch(/: Error: boom in phase 2\n.*: {5}at /);
  });
});

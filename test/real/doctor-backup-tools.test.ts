// doctor and the backup's own tools: rclone is needed when backup.remotes has an entry and age when
// backup.encrypt is set, with Debian's real rclone and age on PATH, and with each hidden from PATH.
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, pathWithout, removeTempDirs, REPO_ROOT, runCli, writeConfig } from '../support/real-cli.js';
import { probeCommand, requireTool, requireTools } from '../support/real-tools.js';

const ready =
  requireTools('pm2') &&
  requireTool('rclone', () => probeCommand('rclone', ['version']).problem) &&
  requireTool('age', () => probeCommand('age', ['--version']).problem);

/** PATH as pathWithPm2 makes it, from another PATH: this checkout's pm2 first. */
const withPm2 = (pathValue: string) => [path.join(REPO_ROOT, 'node_modules', '.bin'), pathValue].join(path.delimiter);

interface Check {
  name: string;
  status: string;
  required: boolean;
  version?: string;
  minimum?: string;
  detail: string;
}

describe.skipIf(!ready)('doctor: rclone for backup.remotes, age for backup.encrypt (Debian\'s rclone and age)', () => {
  let dir: string;
  const pm2 = { target: { pm2: { name: 'shop', script: 'app.js' } } };
  const recipient = 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq';

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('doctor-backup-tools');
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: {
        shipped: { ...pm2, backup: { files: ['uploads'], remotes: [{ name: 'nas', type: 'rclone', remote: 'nas:backups' }] } },
        sealed: { ...pm2, backup: { files: ['uploads'], encrypt: { recipients: [recipient] } } },
        plain: { ...pm2, backup: { files: ['uploads'] } },
      },
    });
  });
  afterAll(removeTempDirs);

  async function doctor(environment: string, pathValue: string) {
    const env = cleanEnv({ PATH: pathValue, PM2_HOME: path.join(dir, 'no-pm2') });
    const result = await runCli(['doctor', '-e', environment, '--json'], { cwd: dir, env });
    const checks = parseJson(result.stdout).checks as Check[];
    return { result, rclone: checks.find((c) => c.name === 'rclone')!, age: checks.find((c) => c.name === 'age')!, env };
  }

  it('with rclone on PATH: needed, ok, the version rclone reports and the minimum opsctl relies on; exit 0', async () => {
    const { result, rclone } = await doctor('shipped', withPm2(process.env.PATH ?? ''));
    expect(result.exitCode, result.stdout).toBe(0);
    expect(rclone).toMatchObject({ status: 'ok', required: true, minimum: '1.51' });
    expect((await execa('rclone', ['version'])).stdout.split('\n')[0]).toContain(`v${rclone.version}`);
  });

  it('with rclone hidden from PATH: missing and needed, exit 1, and the install hint under the table', async () => {
    const { result, rclone, env } = await doctor('shipped', withPm2(pathWithout(['rclone'])));
    expect(result.exitCode, result.stdout).toBe(1);
    expect(rclone).toMatchObject({ status: 'missing', required: true });
    const human = await runCli(['doctor', '-e', 'shipped'], { cwd: dir, env });
    expect(human.exitCode).toBe(1);
    expect(human.stdout.split('\n').find((line) => /^\W*rclone\s/.test(line)), human.stdout).toMatch(/missing.*\byes\b/);
    expect(human.stdout).toMatch(/rclone: Install rclone \(Debian\/Ubuntu: apt-get install rclone;/);
  });

  it('without backup.remotes rclone is not needed: hidden, doctor still exits 0', async () => {
    const { result, rclone } = await doctor('plain', withPm2(pathWithout(['rclone'])));
    expect(result.exitCode, result.stdout).toBe(0);
    expect(rclone).toMatchObject({ status: 'missing', required: false });
  });

  it('with backup.encrypt, age is needed: ok on PATH, missing and exit 1 when hidden', async () => {
    const present = await doctor('sealed', withPm2(process.env.PATH ?? ''));
    expect(present.result.exitCode, present.result.stdout).toBe(0);
    expect(present.age).toMatchObject({ status: 'ok', required: true });
    expect(present.rclone.required).toBe(false);
    const hidden = await doctor('sealed', withPm2(pathWithout(['age'])));
    expect(hidden.result.exitCode, hidden.result.stdout).toBe(1);
    expect(hidden.age).toMatchObject({ status: 'missing', required: true });
  });
});

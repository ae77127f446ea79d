// doctor on the backed-up host: an age identity named by OPSCTL_AGE_IDENTITY that is on this host is a
// warning (not a failure), and one inside a backed-up path says so; a real key made by Debian's age-keygen.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { pathWithPm2 } from '../support/real-pm2.js';
import { probeCommand, requireTool, requireTools } from '../support/real-tools.js';

const ready = requireTools('pm2') && requireTool('age', () => probeCommand('age', ['--version']).problem);

describe.skipIf(!ready)('doctor: the age identity on the backed-up host (real age-keygen)', () => {
  let dir: string;
  let key: string;
  const doctor = async (identity: string | undefined) => {
    const env = cleanEnv({ PATH: pathWithPm2(), PM2_HOME: path.join(dir, 'no-pm2'), ...(identity ? { OPSCTL_AGE_IDENTITY: identity } : {}) });
    const result = await runCli(['doctor', '-e', 'production', '--json'], { cwd: dir, env });
    return { result, check: (parseJson(result.stdout).checks as { name: string; status: string; detail: string; required: boolean }[]).find((c) => c.name === 'age identity') };
  };

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('doctor-identity');
    mkdirSync(path.join(dir, 'secrets'));
    key = path.join(dir, 'secrets', 'backup-key.txt');
    await execa('age-keygen', ['-o', key]);
    const recipient = (await execa('age-keygen', ['-y', key])).stdout.trim();
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: { production: { target: { pm2: { name: 'shop', script: 'app.js' } }, backup: { files: ['secrets/'], encrypt: { recipients: [recipient] } } } },
    });
  });
  afterAll(removeTempDirs);

  it('warns, naming the backed-up path it sits in, without failing doctor; nothing to say without the variable', async () => {
    const { result, check } = await doctor(key);
    expect(check).toMatchObject({ status: 'warn', required: false, detail: `${key} (OPSCTL_AGE_IDENTITY) is on the backed-up host, inside ${path.join(dir, 'secrets')} (backup of production)` });
    expect(result.exitCode, result.stdout).toBe(0);
    const human = await runCli(['doctor', '-e', 'production'], { cwd: dir, env: cleanEnv({ PATH: pathWithPm2(), PM2_HOME: path.join(dir, 'no-pm2'), OPSCTL_AGE_IDENTITY: key }) });
    expect(human.stdout).toMatch(/Worth a look:[\s\S]*Keep the identity off it/);
    expect((await doctor(undefined)).check).toBeUndefined();
    expect((await doctor(path.join(dir, 'elsewhere.txt'))).check).toMatchObject({ status: 'ok' });
  });
});

// doctor's port and requiredEnv checks with the built CLI: a real process of another program holding the
// endpoint's port (found through /proc, no lsof or netstat), a real pm2 app (own PM2_HOME) holding its own,
// and requiredEnv against .env, target.pm2.env and a real compose file.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, uniqueSuffix, waitFor, writeConfig } from '../support/real-cli.js';
import { freePort, getOnce, jlist, killPm2, pathWithPm2 } from '../support/real-pm2.js';
import { PM2_BIN, requireTool, requireTools } from '../support/real-tools.js';

interface Check { name: string; kind: string; status: string; required: boolean; detail: string }

const hasProc = requireTool('procfs', () => (process.platform === 'linux' ? undefined : 'ports are read from /proc on Linux; the Windows netstat parser has its unit test'));
const hasPm2 = requireTools('pm2');

beforeAll(ensureBuilt, 300_000);
afterAll(removeTempDirs);

function checksOf(stdout: string): Check[] {
  return (parseJson(stdout) as { checks: Check[] }).checks;
}

describe.skipIf(!hasProc || !hasPm2)('doctor: who holds each local endpoint port (real processes, /proc)', () => {
  let dir: string;
  let home: string;
  const name = `opsctl-doc-${uniqueSuffix()}`;
  afterAll(async () => {
    if (home) await killPm2(home, (await jlist(home).catch(() => [])).map((p) => p.pid).filter((pid) => pid > 0));
  });

  it('free is ok; another program is a failure naming "pid N (command)", exit 1; the target\'s own pm2 app is ok', async () => {
    dir = makeTempDir('doctor-ports');
    home = path.join(dir, 'pm2-home');
    const port = await freePort();
    writeFileSync(path.join(dir, 'server.cjs'), "require('node:http').createServer((q, s) => s.end('{}')).listen(Number(process.env.PORT), '127.0.0.1');\n");
    writeConfig(dir, { version: 1, app: 'doc', environments: { prod: { target: { pm2: { name, script: 'server.cjs', env: { PORT: String(port) } } }, health: { endpoints: [{ name: 'api', url: `http://localhost:${port}/health` }] } } } });
    const env = cleanEnv({ PM2_HOME: home, PATH: pathWithPm2() });
    const free = await runCli(['doctor', '--json'], { cwd: dir, env });
    expect(checksOf(free.stdout).find((c) => c.kind === 'port')).toMatchObject({ name: `port ${port}`, status: 'ok', detail: expect.stringContaining('free') });

    const squatter = execa(process.execPath, ['-e', `require('node:net').createServer().listen(${port}, '127.0.0.1'); setInterval(() => {}, 1000);`], { reject: false });
    try {
      await waitFor('the squatter to listen', async () => (await runCli(['doctor', '--json'], { cwd: dir, env })).exitCode === 1, 30_000, 300);
      const held = await runCli(['doctor', '--json'], { cwd: dir, env });
      const check = checksOf(held.stdout).find((c) => c.kind === 'port')!;
      expect(check).toMatchObject({ status: 'fail', required: true });
      expect(check.detail).toContain(`pid ${squatter.pid} (${process.execPath} -e`);
      const human = await runCli(['doctor'], { cwd: dir, env });
      expect(human.stdout).toContain('Stop that process or move the app to another port');
    } finally {
      squatter.kill('SIGKILL');
      await squatter;
    }

    // The app as a deploy would start it: pm2 runs it (fork mode) with its PORT.
    await execa(process.execPath, [PM2_BIN, 'start', path.join(dir, 'server.cjs'), '--name', name], { env: { ...env, PORT: String(port) }, extendEnv: false, stdin: 'ignore' });
    await waitFor('the pm2 app to answer', () => getOnce(port, '/').then(() => true, () => false), 60_000, 500);
    const own = await runCli(['doctor', '--json'], { cwd: dir, env });
    const check = checksOf(own.stdout).find((c) => c.kind === 'port')!;
    expect(check.status, check.detail).toBe('ok');
    expect(check.detail).toContain("held by the target's own process");
  }, 180_000);
});

describe('doctor: requiredEnv against the target\'s environment', () => {
  it('pm2: names the missing ones, looking in .env and target.pm2.env; all set is ok', async () => {
    const dir = makeTempDir('doctor-env');
    writeFileSync(path.join(dir, '.env'), 'JWT_SECRET=s3cret-value\nEMPTY=\n');
    writeConfig(dir, { version: 1, app: 'doc', environments: { prod: { target: { pm2: { script: 'app.js', env: { NODE_ENV: 'production' } } }, requiredEnv: ['JWT_SECRET', 'NODE_ENV', 'PORT', 'EMPTY'] } } });
    const env = cleanEnv({ PORT: '' });
    delete env.PORT;
    const result = await runCli(['doctor', '--json'], { cwd: dir, env });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).not.toContain('s3cret-value');
    const check = checksOf(result.stdout).find((c) => c.kind === 'env')!;
    expect(check).toMatchObject({ status: 'fail', required: true });
    expect(check.detail).toMatch(/^missing: PORT, EMPTY \(looked in \.env, target\.pm2\.env/);
    const ok = await runCli(['doctor', '--json'], { cwd: dir, env: { ...env, PORT: '8080', EMPTY: 'x' } });
    expect(checksOf(ok.stdout).find((c) => c.kind === 'env')).toMatchObject({ status: 'ok' });
  });

  it('compose: a service\'s environment and env_file count; unresolved ${VAR} in opsctl.yaml is reported too', async () => {
    const dir = makeTempDir('doctor-env-compose');
    writeFileSync(path.join(dir, 'app.env'), 'MONGO_URI=mongodb://db/app\n');
    writeFileSync(path.join(dir, 'docker-compose.yml'), 'services:\n  api:\n    image: app:${OPSCTL_RELEASE}\n    env_file: app.env\n    environment:\n      - NODE_ENV=production\n');
    writeConfig(dir, { version: 1, app: 'doc', environments: { prod: { target: { compose: { service: 'api' } }, requiredEnv: ['NODE_ENV', 'MONGO_URI', 'JWT_SECRET'], alerts: { webhook: '${SLACK_WEBHOOK}' } } } });
    const result = await runCli(['doctor', '--json'], { cwd: dir, env: cleanEnv() });
    const checks = checksOf(result.stdout);
    expect(checks.find((c) => c.kind === 'env')!.detail).toMatch(/^missing: JWT_SECRET \(looked in \.env, docker-compose\.yml services\.api\.environment\)/);
    expect(checks.find((c) => c.name === 'variables')).toMatchObject({ status: 'warn', detail: 'not set: SLACK_WEBHOOK' });
  });
});

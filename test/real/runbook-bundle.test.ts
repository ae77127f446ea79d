// A runbook run from the esbuild bundle that the standalone executables carry (scripts/package/bundle.mjs),
// run here by node so it needs no SEA build: the bundle resolves modules differently from dist/
// (a computed import() path is an empty glob in it), so the step views are checked there too.
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, makeTempDir, REPO_ROOT, removeTempDirs, writeConfig } from '../support/real-cli.js';

const BUNDLE_SCRIPT = [
  "import { bundle } from './scripts/package/bundle.mjs';",
  'await bundle({ root: process.cwd(), outfile: process.env.OUTFILE, version: "0.0.0-test", nodeMajor: 20 });',
].join('\n');

describe('runbook run from the executable\'s bundle', () => {
  let root: string;
  let app: string;

  beforeAll(async () => {
    root = makeTempDir('runbook-bundle');
    // The bundle's folder plays the package root: shipped runbooks are looked for in runbooks/ beside it.
    await execa(process.execPath, ['--input-type=module', '-e', BUNDLE_SCRIPT], { cwd: REPO_ROOT, env: { OUTFILE: path.join(root, 'opsctl.cjs') } });
    cpSync(path.join(REPO_ROOT, 'runbooks'), path.join(root, 'runbooks'), { recursive: true });
    app = path.join(root, 'app');
    mkdirSync(app);
    writeConfig(app, { version: 1, app: 'bundled', environments: { local: { target: { pm2: { name: 'bundled-app', script: 'app.js' } } } } });
  }, 120_000);
  afterAll(removeTempDirs);

  it('each opsctl step shows its command\'s own view (status, health-check, history), not raw JSON', async () => {
    const env = cleanEnv({ PM2_HOME: path.join(root, 'pm2-home'), HOME: root });
    const result = await execa(process.execPath, [path.join(root, 'opsctl.cjs'), 'runbook', 'run', 'incident-triage', '-e', 'local'], { cwd: app, env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000 });
    const stdout = String(result.stdout);
    expect([0, 3], String(result.stderr)).toContain(result.exitCode);
    expect(stdout).toMatch(/── 1\. status\nenvironment +local \(bundled\)\ntarget +pm2 bundled-app/);
    expect(stdout).toMatch(/── 2\. health-check\n┌─+┬/);
    expect(stdout).toMatch(/── 4\. last deploys and rollbacks\nNo operations recorded yet\./);
    expect(stdout.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
  });
});

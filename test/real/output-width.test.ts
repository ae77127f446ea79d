import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { freePort } from '../support/real-pm2.js';

describe('tables fit the terminal width set through COLUMNS; --json keeps everything (built CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('width');
    const port = await freePort();
    // Nothing listens on the port: the probe's reason is long, as a real failure's is.
    const endpoint = { name: 'a-rather-long-endpoint-name', url: `http://127.0.0.1:${port}/some/long/path/to/health?verbose=true&with=details`, retries: 1 };
    writeConfig(dir, { version: 1, app: 'shop', environments: { prod: { target: { pm2: { script: 'app.js' } }, health: { endpoints: [endpoint] } } } });
  }, 240_000);
  afterAll(removeTempDirs);

  it('health-check at 80 columns: no line wider than 80, and the JSON reason is whole', async () => {
    const wide = await runCli(['health-check'], { cwd: dir, env: cleanEnv({ COLUMNS: '400' }) });
    expect(Math.max(...wide.stdout.split('\n').map((l) => l.length))).toBeGreaterThan(80);
    const narrow = await runCli(['health-check'], { cwd: dir, env: cleanEnv({ COLUMNS: '80' }) });
    expect(narrow.exitCode).toBe(1);
    const lines = narrow.stdout.split('\n');
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
    expect(narrow.stdout).toContain('a-rather-long-endpoint-name');
    const json = await runCli(['health-check', '--json'], { cwd: dir, env: cleanEnv({ COLUMNS: '80' }) });
    const probe = parseJson<{ probes: { name: string; target: string }[] }>(json.stdout).probes.find((p) => p.name === 'a-rather-long-endpoint-name');
    expect(probe?.target).toContain('/some/long/path/to/health?verbose=true&with=details');
  });
});

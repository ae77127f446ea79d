// The config cache through the built CLI (bin/opsctl.js, the bundle): a second command on an unchanged
// opsctl.yaml loads neither YAML nor zod, fills ${VAR}s from its own environment, and an edit is validated again.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, REPO_ROOT, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';

const TRACE = path.join(REPO_ROOT, 'bench', 'lib', 'module-trace.mjs');

const config = (instances: string) => `version: 1
app: shop
environments:
  prod:
    target:
      pm2: { script: server.js, instances: ${instances} }
    logs: { files: ["\${LOG_DIR}/app.log"], pm2: false }
`;

/** The bundle files a run loaded that carry zod's or yaml's code (esbuild keeps each input's path as a comment). */
function parserFilesLoaded(traceLog: string): string[] {
  const files = [...new Set(readFileSync(traceLog, 'utf8').split('\n').filter((u) => u.startsWith('file:')))].map((u) => fileURLToPath(u));
  return files.filter((f) => f.endsWith('.mjs') && /node_modules\/(zod|yaml)\//.test(readFileSync(f, 'utf8')));
}

describe('config cache (built CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('config-cache');
    mkdirSync(path.join(dir, '.opsctl'));
    for (const name of ['a', 'b']) {
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, 'app.log'), `${JSON.stringify({ level: 30, time: 1_700_000_000_000, msg: `from ${name}` })}\n`);
    }
    writeConfig(dir, config('2'));
  }, 180_000);
  afterAll(() => removeTempDirs());

  it('a second run loads neither YAML nor zod, and takes ${VAR}s from its own environment, never from the cache', async () => {
    const first = await runCli(['logs', '-n', '5'], { cwd: dir, env: cleanEnv({ LOG_DIR: path.join(dir, 'a') }) });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain('from a');
    const cached = readdirSync(path.join(dir, '.opsctl', 'cache')).map((n) => readFileSync(path.join(dir, '.opsctl', 'cache', n), 'utf8')).join('');
    expect(cached).toContain('${LOG_DIR}/app.log');
    expect(cached).not.toContain(path.join(dir, 'a'));

    const traceLog = path.join(dir, 'modules.log');
    const second = await runCli(['logs', '-n', '5'], {
      cwd: dir,
      env: cleanEnv({ LOG_DIR: path.join(dir, 'b'), NODE_OPTIONS: `--import=${TRACE}`, OPSCTL_BENCH_MODULE_LOG: traceLog }),
    });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toContain('from b');
    expect(parserFilesLoaded(traceLog)).toEqual([]);
  }, 60_000);

  it('an edited config is validated again: its error names the key, what was expected and file:line (exit 2)', async () => {
    writeConfig(dir, config('two'));
    const result = await runCli(['logs', '-n', '5'], { cwd: dir, env: cleanEnv({ LOG_DIR: path.join(dir, 'a') }) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('environments.prod.target.pm2.instances: expected a number or "max", got "two" (opsctl.yaml:6)');
  }, 60_000);
});

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../../../src/config/schema.js';
import { planActivation } from '../../../../src/targets/pm2/activate.js';
import { createPm2Driver } from '../../../../src/targets/pm2/driver.js';
import { EcosystemError, ecosystemNode, evaluateEcosystem } from '../../../../src/targets/pm2/ecosystem-read.js';
import { ToolMissingError } from '../../../../src/errors.js';
import type { Logger } from '../../../../src/output/logger.js';
import { formatCommand } from '../../../../src/process/command.js';
import { createEffects } from '../../../../src/process/effects.js';
import { createRunner } from '../../../../src/process/runner.js';
import { requireTool } from '../../../support/real-tools.js';
import { caught, tempDir } from '../../helpers.js';

const runner = (dryRun: boolean, lines: string[] = []) => createRunner({ dryRun, verbose: false, signal: new AbortController().signal, log: (l) => lines.push(l) });

// POSIX: a shebang executable named node, found without PATHEXT.
describe.skipIf(!requireTool('posix-signals'))('the node that evaluates an ecosystem file', () => {
  it('is this node under node, and node from PATH inside the single executable (where execPath is opsctl)', () => {
    expect(ecosystemNode({ PATH: '' }, false, '/usr/bin/node20')).toBe('/usr/bin/node20');
    const bin = tempDir();
    writeFileSync(path.join(bin, 'node'), '#!/bin/sh\n');
    chmodSync(path.join(bin, 'node'), 0o755);
    expect(ecosystemNode({ PATH: bin }, true, '/opt/opsctl')).toBe(path.join(bin, 'node'));
  });

  it('inside the executable with no node on PATH is a missing tool (exit 127) with a hint', () => {
    const error = (() => {
      try {
        return ecosystemNode({ PATH: tempDir() }, true, '/opt/opsctl');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ToolMissingError);
    expect(error).toMatchObject({ exitCode: 127, message: expect.stringMatching(/^node is not on PATH/), hint: expect.stringMatching(/Install Node.js/) });
  });
});

describe('an ecosystem file that does not load', () => {
  it('CommonJS with a syntax error: one line <file>:<line>: SyntaxError, and how to see the rest', async () => {
    const file = path.join(tempDir(), 'ecosystem.config.cjs');
    writeFileSync(file, "module.exports = {\n  apps: [{ name: 'api',\n    script: 'x.js' }}\n};\n");
    const error = (await caught(evaluateEcosystem(runner(false), file, {}, process.env))) as EcosystemError;
    expect(error).toBeInstanceOf(EcosystemError);
    expect(error.message).toBe(`The pm2 ecosystem file does not load: ${file}:3: SyntaxError: Unexpected token '}'. Fix it (node ${file} shows the whole error)`);
    expect(error.hint).toBe(`Fix ${file}: node ${file} shows the whole error.`);
  });

  it('ESM with a syntax error names its line too (import() alone does not say it); a throw names where', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'eco.mjs'), "export default {\n  apps: [{ name: 'api' ]\n};\n");
    expect(((await caught(evaluateEcosystem(runner(false), path.join(dir, 'eco.mjs'), {}, process.env))) as Error).message).toContain(`${path.join(dir, 'eco.mjs')}:2: SyntaxError: Unexpected token ']'`);
    writeFileSync(path.join(dir, 'throws.cjs'), "\nthrow new Error('no DATABASE_URL');\n");
    expect(((await caught(evaluateEcosystem(runner(false), path.join(dir, 'throws.cjs'), {}, process.env))) as Error).message).toContain(`${path.join(dir, 'throws.cjs')}:2: Error: no DATABASE_URL`);
  });

  it('fails the driver\'s verify with that error (not a build problem the deploy would blame on source.build)', async () => {
    const root = tempDir();
    writeFileSync(path.join(root, 'ecosystem.config.cjs'), "module.exports = { apps: [ };\n");
    const config = environmentSchema.parse({ target: { pm2: { name: 'api', ecosystem: 'ecosystem.config.cjs', instances: 1 } } });
    const environment = { name: 'prod', config, app: 'api', dir: root, envFile: '', stateDir: root };
    const driver = createPm2Driver(config.target.pm2!, { runner: runner(false), effects: createEffects({ dryRun: false, log: () => undefined }), env: process.env, log: recordingLogger([]), environment, releasesDir: root, now: Date.now });
    const error = await caught(driver.verifyBuilt({ sha: 'a'.repeat(40), shortSha: 'aaaaaaa', root, dir: root }));
    expect(error).toBeInstanceOf(EcosystemError);
    expect((error as Error).message).toContain(`${path.join(root, 'ecosystem.config.cjs')}:1: SyntaxError: Unexpected token '}'`);
  });

  it('a good file still loads', async () => {
    const file = path.join(tempDir(), 'ok.cjs');
    writeFileSync(file, "module.exports = { apps: [{ name: 'api', script: 'x.js' }] };\n");
    expect(await evaluateEcosystem(runner(false), file, {}, process.env)).toEqual({ apps: [{ name: 'api', script: 'x.js' }] });
  });
});

describe('--dry-run of a release that is not checked out', () => {
  it('plans from the working copy\'s ecosystem file (same relative path) and prints the pm2 start', async () => {
    const work = tempDir();
    const appDir = path.join(work, 'app');
    mkdirSync(appDir);
    writeFileSync(path.join(appDir, 'ecosystem.config.cjs'), "module.exports = { apps: [{ name: 'api', script: 'server.cjs', cwd: __dirname, env: { PORT: '9' } }] };\n");
    const releasesDir = path.join(work, 'state', 'releases', 'prod');
    const root = path.join(releasesDir, 'aaaaaaaaaaaa');
    const release = { sha: 'a'.repeat(40), shortSha: 'aaaaaaa', root, dir: path.join(root, 'app') };
    const config = environmentSchema.parse({ target: { pm2: { name: 'api', ecosystem: 'ecosystem.config.cjs', instances: 2 } } });
    const lines: string[] = [];
    const environment = { name: 'prod', config, app: 'api', dir: appDir, envFile: '', stateDir: path.join(work, 'state') };
    const deps = { runner: runner(true, lines), effects: createEffects({ dryRun: true, log: (l) => lines.push(l) }), env: process.env, log: recordingLogger(lines), environment, releasesDir, now: Date.now };
    const plan = await planActivation(config.target.pm2!, 'api', deps, release);
    expect(formatCommand(plan.start)).toBe(`pm2 start ${path.join(releasesDir, 'pm2-process.json')} --only api`);
    expect(plan.processFile?.entry).toMatchObject({ name: 'api', script: 'server.cjs', cwd: path.join(releasesDir, 'current', 'app'), instances: 2 });
    expect(plan.start.env).toMatchObject({ PORT: '9', OPSCTL_RELEASE: release.sha });
    expect(lines).toContain(`release aaaaaaa is not checked out: planning from ${path.join(appDir, 'ecosystem.config.cjs')} in your working copy`);
  });
});

function recordingLogger(lines: string[]): Logger {
  const push = (message: string) => void lines.push(message);
  return { info: push, warn: push, error: push, debug: push, plan: push, notice: push, step: (m) => (push(m), { done: () => undefined, fail: () => undefined }) };
}

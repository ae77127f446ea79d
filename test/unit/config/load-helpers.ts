import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { repoRoot, tempDir } from '../helpers.js';

export const example = path.join(repoRoot, 'examples', 'opsctl.example.yaml');

export function loadExample(processEnv: Record<string, string> = {}) {
  return loadConfig({ cwd: repoRoot, configPath: example, processEnv });
}

/** Writes opsctl.yaml (and optionally .env) to a temp folder and loads it. */
export function load(yaml: string, options: { dotenv?: string; processEnv?: Record<string, string> } = {}) {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'opsctl.yaml'), yaml);
  if (options.dotenv !== undefined) writeFileSync(path.join(dir, '.env'), options.dotenv);
  return loadConfig({ cwd: dir, processEnv: options.processEnv ?? {} });
}

/** The problems of a config that must not load; it must fail with ConfigError, exit 2. */
export function problemsOf(yaml: string): string[] {
  try {
    load(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    return (error as ConfigError).details!.problems as string[];
  }
  throw new Error('the config loaded, but it should not');
}

/** A one-environment pm2 config; `extra` adds lines under environments.prod. */
export const pm2Env = (extra = '') => `
version: 1
app: api
environments:
  prod:
    target: { pm2: { script: server.js } }
${extra}`;

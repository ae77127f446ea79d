import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { suggestSimilar } from '../../../src/config/suggest.js';
import { ConfigError } from '../../../src/errors.js';
import { tempDir } from '../helpers.js';

function caught(load: () => unknown): unknown {
  try {
    load();
  } catch (error) {
    return error;
  }
  throw new Error('the config loaded, but it should not');
}

/** The lines of the error a config gives, each trimmed, without the header. */
function errorLines(yaml: string): string[] {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'opsctl.yaml'), yaml);
  const error = caught(() => loadConfig({ cwd: dir, processEnv: {} }));
  expect(error).toBeInstanceOf(ConfigError);
  return (error as Error).message.split('\n').slice(1).map((line) => line.trim());
}

const config = (lines: string[]) => ['version: 1', 'app: shop', ...lines].join('\n');

describe('config errors name the key, what was expected, a near key and file:line', () => {
  it('instances: two says a number or "max" was expected, on its line', () => {
    const yaml = config(['environments:', '  prod:', '    target:', '      pm2:', '        script: app.js', '        instances: two']);
    expect(errorLines(yaml)).toEqual(['environments.prod.target.pm2.instances: expected a number or "max", got "two" (opsctl.yaml:8)']);
  });

  it('a misspelt key gets the known key it is closest to, at the top level and in defaults', () => {
    const yaml = config(['defaults:', '  databses: {}', '  backup: { retention: { daly: 7 } }', 'environments:', '  prod:', '    target: { pm2: { script: app.js } }']);
    expect(errorLines(yaml)).toEqual([
      'defaults.databses: unknown key; did you mean databases? (opsctl.yaml:4)',
      'defaults.backup.retention.daly: unknown key; did you mean daily? (opsctl.yaml:5)',
    ]);
  });

  it('enum values, booleans and lower bounds are spelt out with what the file says', () => {
    const yaml = config([
      'environments:',
      '  prod:',
      '    target: { pm2: { script: app.js, instances: 0 } }',
      '    backup: { beforeDeploy: sometimes }',
      '    health:',
      '      endpoints:',
      '        - { name: api, url: "http://127.0.0.1/", method: FETCH }',
    ]);
    expect(errorLines(yaml)).toEqual([
      'environments.prod.target.pm2.instances: expected a number of at least 1, got 0 (opsctl.yaml:5)',
      'environments.prod.backup.beforeDeploy: expected true or false, got "sometimes" (opsctl.yaml:6)',
      'environments.prod.health.endpoints[0].method: expected one of "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", got "FETCH" (opsctl.yaml:9)',
    ]);
  });

  it('inside a union (health.host.load may be false or a map) the branch that got furthest speaks', () => {
    const yaml = config(['environments:', '  prod:', '    target: { pm2: { script: app.js } }', '    health:', '      host: { load: { warn: high } }']);
    expect(errorLines(yaml)).toEqual(['environments.prod.health.host.load.warn: expected a number, got "high" (opsctl.yaml:7)']);
  });

  it('a missing required key is named with what it needs, at its parent\'s line', () => {
    const yaml = config(['environments:', '  prod:', '    target:', '      compose: { file: c.yml }']);
    expect(errorLines(yaml)).toEqual(['environments.prod.target.compose.service: missing: expected text (opsctl.yaml:6)']);
  });

  it('no config names opsctl init', () => {
    const error = caught(() => loadConfig({ cwd: tempDir(), processEnv: {} })) as ConfigError;
    expect(error.hint).toMatch(/opsctl init/);
  });
});

describe('suggestSimilar', () => {
  it('finds swaps, drops and additions, not unrelated words', () => {
    expect(suggestSimilar('databses', ['databases', 'backup'])).toEqual(['databases']);
    expect(suggestSimilar('retires', ['retries', 'timeout'])).toEqual(['retries']);
    expect(suggestSimilar('colour', ['version', 'app'])).toEqual([]);
  });
});

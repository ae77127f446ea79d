import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { locateConfig } from '../../../src/config/locate.js';
import { selectEnvironment } from '../../../src/config/select.js';
import { ConfigError, UsageError } from '../../../src/errors.js';
import { repoRoot, tempDir } from '../helpers.js';

/** root/opsctl.yaml and root/a/b/c, returned as [root, deep]. */
function tree(): [string, string] {
  const root = tempDir();
  const deep = path.join(root, 'a', 'b', 'c');
  mkdirSync(deep, { recursive: true });
  writeFileSync(path.join(root, 'opsctl.yaml'), 'version: 1\n');
  return [root, deep];
}

describe('locateConfig', () => {
  it('walks up from the working directory', () => {
    const [root, deep] = tree();
    expect(locateConfig(deep, undefined, undefined)).toBe(path.join(root, 'opsctl.yaml'));
  });

  it('takes the nearest file, opsctl.yml included', () => {
    const [root, deep] = tree();
    writeFileSync(path.join(root, 'a', 'opsctl.yml'), 'version: 1\n');
    expect(locateConfig(deep, undefined, undefined)).toBe(path.join(root, 'a', 'opsctl.yml'));
  });

  it('honours --config, relative to the working directory, over OPSCTL_CONFIG', () => {
    const [root, deep] = tree();
    writeFileSync(path.join(deep, 'other.yaml'), 'version: 1\n');
    expect(locateConfig(deep, 'other.yaml', path.join(root, 'opsctl.yaml'))).toBe(path.join(deep, 'other.yaml'));
  });

  it('honours OPSCTL_CONFIG when --config is not given, and ignores it when empty', () => {
    const [root, deep] = tree();
    writeFileSync(path.join(deep, 'ci.yaml'), 'version: 1\n');
    expect(locateConfig(root, undefined, path.join(deep, 'ci.yaml'))).toBe(path.join(deep, 'ci.yaml'));
    expect(locateConfig(deep, undefined, '')).toBe(path.join(root, 'opsctl.yaml'));
  });

  it('refuses a --config that does not exist (exit 2)', () => {
    const [root] = tree();
    expect(() => locateConfig(root, 'nope.yaml', undefined)).toThrow(ConfigError);
    expect(() => locateConfig(root, 'nope.yaml', undefined)).toThrow(`Config file ${path.join(root, 'nope.yaml')} does not exist.`);
  });

  it('says where it looked when there is no config anywhere above', () => {
    const dir = tempDir();
    // Only meaningful when no folder above the temp dir holds a config.
    const above = (d: string): boolean => existsSync(path.join(d, 'opsctl.yaml')) || existsSync(path.join(d, 'opsctl.yml')) || (path.dirname(d) !== d && above(path.dirname(d)));
    expect(above(dir)).toBe(false);
    expect(() => locateConfig(dir, undefined, undefined)).toThrow(`No opsctl.yaml found in ${dir} or any folder above it.`);
  });
});

describe('selectEnvironment', () => {
  const loaded = loadConfig({ cwd: repoRoot, configPath: 'examples/opsctl.example.yaml', processEnv: {} });

  it('-e wins over OPSCTL_ENV', () => {
    expect(selectEnvironment(loaded, 'staging', 'production').name).toBe('staging');
  });

  it('uses OPSCTL_ENV without -e', () => {
    expect(selectEnvironment(loaded, undefined, 'cluster').name).toBe('cluster');
  });

  it('takes the only environment without being told', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'opsctl.yaml'), 'version: 1\napp: api\nenvironments:\n  only:\n    target: { pm2: { script: a.js } }\n');
    expect(selectEnvironment(loadConfig({ cwd: dir, processEnv: {} }), undefined, '').name).toBe('only');
  });

  it('refuses to guess among several, listing their names (exit 2)', () => {
    expect(() => selectEnvironment(loaded, undefined, undefined)).toThrow(UsageError);
    expect(() => selectEnvironment(loaded, undefined, '')).toThrow('Several environments are defined: production, staging, cluster.');
  });

  it('names the known environments when the requested one does not exist', () => {
    let error: UsageError | undefined;
    try {
      selectEnvironment(loaded, 'prod', undefined);
    } catch (caught) {
      error = caught as UsageError;
    }
    expect(error).toMatchObject({ exitCode: 2, message: 'Unknown environment "prod".', hint: 'Use one of: production, staging, cluster.' });
  });

  it('resolves the state dir against the config folder, not the working directory', () => {
    expect(selectEnvironment(loaded, 'production', undefined).stateDir).toBe(path.join(repoRoot, 'examples', '.opsctl'));
  });
});

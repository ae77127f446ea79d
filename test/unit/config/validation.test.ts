import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { tempDir } from '../helpers.js';
import { pm2Env, problemsOf } from './load-helpers.js';

describe('validation messages', () => {
  it('names a typo as path.to.key: unknown key', () => {
    expect(problemsOf(pm2Env('    health: { retires: 3 }'))).toEqual(['environments.prod.health.retires: unknown key']);
  });

  it('names a bad duration at its key', () => {
    const problems = problemsOf(pm2Env('    health: { timeout: 5 seconds }'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^environments\.prod\.health\.timeout: expected a duration .*5s/);
  });

  it('refuses a target with two kinds', () => {
    const yaml = pm2Env().replace('{ pm2: { script: server.js } }', '{ pm2: { script: server.js }, swarm: { stack: s, service: app } }');
    expect(problemsOf(yaml)).toEqual(['environments.prod.target: set exactly one of pm2, compose or swarm']);
  });

  it('reports a problem inherited from defaults under defaults.', () => {
    const yaml = pm2Env().replace('environments:', 'defaults:\n  health: { timeout: soon }\nenvironments:');
    const problems = problemsOf(yaml);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^defaults\.health\.timeout: expected a duration/);
  });

  it('reports a file-level problem at its key', () => {
    expect(problemsOf(pm2Env().replace('version: 1', 'version: 2'))).toEqual(['version: must be 1']);
  });

  it('puts the file name and every problem, one per line, in the message', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'opsctl.yaml'), pm2Env('    health: { retires: 3, timeout: x }'));
    let message = '';
    try {
      loadConfig({ cwd: dir, processEnv: {} });
    } catch (error) {
      message = (error as Error).message;
    }
    const [first, ...problems] = message.split('\n');
    expect(first).toBe(`${path.join(dir, 'opsctl.yaml')} is not valid:`);
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['  environments.prod.health.retires', '  environments.prod.health.timeout']);
  });

  it('says a problem in defaults once, not once per environment', () => {
    const yaml = pm2Env('  staging:\n    target: { pm2: { script: server.js } }').replace('environments:', 'defaults:\n  health: { timeout: soon }\nenvironments:');
    expect(problemsOf(yaml)).toHaveLength(1);
  });

  // src bug: src/config/load.ts:87 decides "from defaults" only by whether the environment lacks the path.
  // For an unknown key the path is the parent object (health), which the environment also has, so a typo made in
  // `defaults` is blamed on every environment. Check hasPath(envRaw, [...issue.path, key]) for unrecognized_keys.
  it('reports a typo made in defaults under defaults., even when the environment sets the same section', () => {
    const yaml = pm2Env('    health: { timeout: 2s }').replace('environments:', 'defaults:\n  health: { retires: 3 }\nenvironments:');
    expect(problemsOf(yaml)).toEqual(['defaults.health.retires: unknown key']);
  });

  // src bug: src/config/load.ts:87 blames `defaults` for any key the environment lacks, even a key defaults lacks
  // too. A missing `target` reads "defaults.target: ...", sending the user to the wrong place. Blame defaults only
  // when hasPath(parsed.data.defaults, issue.path) is true.
  it('reports a missing target under the environment, not under defaults', () => {
    const yaml = 'version: 1\napp: api\nenvironments:\n  prod:\n    stateDir: state\n';
    expect(problemsOf(yaml)[0]).toMatch(/^environments\.prod\.target: /);
  });
});

describe('cross-references and probe names', () => {
  it('a database named under health or backup must be defined under databases', () => {
    const yaml = pm2Env("    databases: { main: { type: postgres, url: 'postgres://db/app' } }\n    health: { databases: [main, cache] }\n    backup: { databases: [mian] }");
    expect(problemsOf(yaml)).toEqual([
      'environments.prod.health.databases[1]: "cache" is not defined under databases (defined: main)',
      'environments.prod.backup.databases[0]: "mian" is not defined under databases (defined: main)',
    ]);
  });

  it('a name that every object inherits ("constructor", "toString") is no defined database: a config error, not a crash', () => {
    const yaml = pm2Env("    health: { databases: [toString] }\n    backup: { databases: [constructor] }");
    expect(problemsOf(yaml)).toEqual([
      'environments.prod.health.databases[0]: "toString" is not defined under databases',
      'environments.prod.backup.databases[0]: "constructor" is not defined under databases',
    ]);
  });

  it('probe names are unique and not those of host probes or groups, since --only and monitor key on them', () => {
    const yaml = pm2Env(
      "    databases: { main: { type: redis, url: 'redis://cache' } }\n    health:\n      endpoints: [{ name: api, url: 'http://a' }, { name: api, url: 'http://b' }, { name: load, url: 'http://c' }, { name: main, url: 'http://d' }]\n      databases: [main]",
    );
    expect(problemsOf(yaml)).toEqual([
      'environments.prod.health.endpoints[1].name: probe name "api" is used twice; endpoint and database probe names must be unique',
      'environments.prod.health.endpoints[2].name: "load" is the name of a host probe or probe group; choose another name',
      'environments.prod.health.databases[0]: probe name "main" is used twice; endpoint and database probe names must be unique',
    ]);
  });
});

describe('YAML errors', () => {
  it('names the line of a syntax error', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'opsctl.yaml'), 'version: 1\napp: api\nenvironments:\n  prod:\n    target: { pm2: { script: a.js }\n    source: {}\n');
    expect(() => loadConfig({ cwd: dir, processEnv: {} })).toThrow(/invalid YAML at line 6, column \d+/);
  });

  it('refuses a key given twice, naming its line', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'opsctl.yaml'), 'version: 1\napp: api\napp: other\nenvironments: {}\n');
    expect(() => loadConfig({ cwd: dir, processEnv: {} })).toThrow(/invalid YAML at line 3, column 1: Map keys must be unique/);
  });
});

import { describe, expect, it } from 'vitest';
import { load, loadExample } from './load-helpers.js';

describe('the spec example', () => {
  it('loads with its three environments', () => {
    const loaded = loadExample();
    expect(loaded.app).toBe('linguamate-api');
    expect([...loaded.environments.keys()]).toEqual(['production', 'staging', 'cluster']);
  });

  it('merges defaults under every environment, with ${OPSCTL_ENV} as the environment name', () => {
    for (const [name, env] of loadExample().environments) {
      expect(env.stateDir, name).toBe('.opsctl');
      expect(env.health.timeout, name).toBe('5s');
      expect(env.health.retries, name).toBe(3);
      expect(env.backup?.dir, name).toBe(`backups/${name}`);
      expect(env.backup?.retention, name).toEqual({ daily: 7, weekly: 4, monthly: 3 });
    }
  });

  it('keeps what an environment sets next to what it inherits', () => {
    const production = loadExample().environments.get('production')!;
    expect(production.backup).toMatchObject({ dir: 'backups/production', databases: ['main', 'content'], files: ['.env', 'uploads/'], beforeDeploy: true });
    expect(production.health.endpoints.map((e) => e.name)).toEqual(['api', 'detailed', 'ready']);
    expect(production.target.pm2).toMatchObject({ name: 'linguamate-api', instances: 2 });
  });

  it('gives each environment its own target kind', () => {
    const kinds = [...loadExample().environments].map(([name, env]) => [name, Object.keys(env.target).filter((k) => env.target[k as 'pm2'])]);
    expect(kinds).toEqual([['production', ['pm2']], ['staging', ['compose']], ['cluster', ['swarm']]]);
  });

  it('does not let OPSCTL_ENV from the shell rename an environment', () => {
    expect(loadExample({ OPSCTL_ENV: 'staging' }).environments.get('production')!.backup!.dir).toBe('backups/production');
  });
});

describe('defaults', () => {
  it('an environment value replaces the default, arrays included', () => {
    const env = load(`
version: 1
app: api
defaults:
  stateDir: /var/lib/opsctl
  health: { timeout: 2s, endpoints: [{ name: a, url: http://a }] }
environments:
  prod:
    target: { pm2: { script: server.js } }
    stateDir: state
    health: { endpoints: [{ name: b, url: http://b }] }
`).environments.get('prod')!;
    expect(env.stateDir).toBe('state');
    expect(env.health.timeout).toBe('2s');
    expect(env.health.endpoints.map((e) => e.name)).toEqual(['b']);
  });
});


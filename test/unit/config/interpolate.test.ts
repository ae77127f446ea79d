import { describe, expect, it } from 'vitest';
import { listUnresolved, requireResolved } from '../../../src/config/interpolate.js';
import { ConfigError } from '../../../src/errors.js';
import { redact } from '../../../src/process/redact.js';
import { load } from './load-helpers.js';

describe('${VAR} interpolation', () => {
  const yaml = `
version: 1
app: api
environments:
  prod:
    target: { pm2: { script: server.js } }
    databases:
      main: { type: postgres, url: "\${DATABASE_URL}" }
      content: { type: mongo, url: "\${MONGO_URI}" }
    alerts: { webhook: "\${ALERT_WEBHOOK_URL}" }
`;

  it('reads the process environment first, then the .env beside the config', () => {
    const env = load(yaml, {
      processEnv: { DATABASE_URL: 'postgres://app:from-shell@db/main' },
      dotenv: 'DATABASE_URL=postgres://app:from-dotenv@db/main\nMONGO_URI=mongodb://app:m0ngo-pass@mongo/content\n',
    }).environments.get('prod')!;
    expect(env.databases.main!.url).toBe('postgres://app:from-shell@db/main');
    expect(env.databases.content!.url).toBe('mongodb://app:m0ngo-pass@mongo/content');
  });

  it('leaves an unset variable as written, and requireResolved names it and the key (exit 2)', () => {
    const loaded = load(yaml);
    const webhook = loaded.environments.get('prod')!.alerts!.webhook!;
    expect(webhook).toBe('${ALERT_WEBHOOK_URL}');
    let thrown: unknown;
    try {
      requireResolved(webhook, 'environments.prod.alerts.webhook', loaded.envFile);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({
      exitCode: 2,
      message: 'environments.prod.alerts.webhook: ${ALERT_WEBHOOK_URL} is not set.',
      hint: `Set ALERT_WEBHOOK_URL in the environment or in ${loaded.envFile}.`,
    });
  });

  it('requireResolved returns a resolved value unchanged', () => {
    expect(requireResolved('postgres://db/main', 'databases.main.url', '.env')).toBe('postgres://db/main');
  });

  it('registers resolved secrets so they are masked wherever they are printed', () => {
    load(yaml, {
      processEnv: { DATABASE_URL: 'postgres://app:p%40ss-w0rd@db/main' },
      dotenv: 'ALERT_WEBHOOK_URL=https://hooks.slack.com/services/T000/B000/XyZsecretpart\n',
    });
    expect(redact('posting to https://hooks.slack.com/services/T000/B000/XyZsecretpart')).toBe('posting to ***');
    // The decoded password too: a tool may echo it without the URL around it.
    expect(redact('auth failed for password p@ss-w0rd')).toBe('auth failed for password ***');
  });

  it('treats an empty variable as unset, so a missing CI secret does not invalidate every environment', () => {
    const env = load(yaml, { processEnv: { DATABASE_URL: '' }, dotenv: 'MONGO_URI=\n' }).environments.get('prod')!;
    expect(env.databases.main!.url).toBe('${DATABASE_URL}');
    expect(env.databases.content!.url).toBe('${MONGO_URI}');
  });

  it('leaves OPSCTL_RELEASE and other runtime OPSCTL_* names for opsctl to fill, but resolves OPSCTL_ENV', () => {
    const withRuntime = `
version: 1
app: api
environments:
  staging:
    target: { compose: { service: app } }
    source: { build: ["docker build -t app:\${OPSCTL_RELEASE} ."] }
    backup: { dir: "backups/\${OPSCTL_ENV}" }
`;
    const env = load(withRuntime, { processEnv: { OPSCTL_RELEASE: 'stale-from-the-shell' } }).environments.get('staging')!;
    expect(env.source!.build).toEqual(['docker build -t app:${OPSCTL_RELEASE} .']);
    expect(env.backup!.dir).toBe('backups/staging');
    expect(listUnresolved(env, 'environments.staging')).toEqual([]);
    expect(requireResolved(env.source!.build[0]!, 'source.build[0]', '.env')).toBe('docker build -t app:${OPSCTL_RELEASE} .');
  });

  it('lists every key that still holds an unset variable, with the names', () => {
    const env = load(yaml).environments.get('prod')!;
    expect(listUnresolved(env, 'environments.prod')).toEqual([
      { key: 'environments.prod.databases.main.url', names: ['DATABASE_URL'] },
      { key: 'environments.prod.databases.content.url', names: ['MONGO_URI'] },
      { key: 'environments.prod.alerts.webhook', names: ['ALERT_WEBHOOK_URL'] },
    ]);
  });

  it('masks a literal webhook URL written in the file, not only one from a variable', () => {
    load(yaml.replace('"\${ALERT_WEBHOOK_URL}"', 'https://hooks.example.test/T1/B2/literal-token-9'));
    expect(redact('posting to https://hooks.example.test/T1/B2/literal-token-9 failed')).toBe('posting to *** failed');
  });
});

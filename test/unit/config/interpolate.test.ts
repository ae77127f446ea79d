import { describe, expect, it } from 'vitest';
import { requireResolved } from '../../../src/config/interpolate.js';
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
});


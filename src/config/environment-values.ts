import { parseEnv } from 'node:util';
import { registerSecret, registerUrlSecrets } from '../process/redact.js';
import { readConfigText } from './read-text.js';
import type { EnvironmentConfig } from './schema.js';

/** The .env file's variables; none when it does not exist. */
export function readDotenv(file: string): Record<string, string> {
  try {
    return parseEnv(readConfigText(file)) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

/** What ${NAME} means in one environment: the process's variables over .env's, and OPSCTL_ENV. */
export function variablesFor(dotenv: Record<string, string>, processEnv: Readonly<Record<string, string | undefined>>, name: string): Record<string, string | undefined> {
  return { ...dotenv, ...processEnv, OPSCTL_ENV: name };
}

/** Webhook URLs carry their token in the path; connection URLs their password: mask them wherever they are written. */
export function registerSecrets(config: EnvironmentConfig): EnvironmentConfig {
  if (config.alerts?.webhook && !config.alerts.webhook.includes('${')) registerSecret(config.alerts.webhook);
  if (config.backup?.ping) registerUrlSecrets(config.backup.ping);
  for (const db of Object.values(config.databases)) registerUrlSecrets(db.url);
  for (const remote of config.backup?.remotes ?? []) if (remote.type === 's3') [remote.accessKeyId, remote.secretAccessKey].filter((v) => !v.includes('${')).forEach(registerSecret);
  return config;
}

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, makeTempDir, runCli, writeConfig, type CliResult } from './real-cli.js';

export interface FilesApp {
  dir: string;
  /** `state/` beside the config, made here (a test may mount something on it). */
  stateDir: string;
  /** The built CLI on the production environment, with a PM2_HOME where no daemon runs. */
  cli: (...args: string[]) => Promise<CliResult>;
}

/**
 * An app whose production environment backs up one file: `opsctl backup` is then a locked, journaled
 * command that needs no tool besides opsctl.
 */
export function filesBackupApp(label: string): FilesApp {
  const dir = makeTempDir(label);
  writeFileSync(path.join(dir, 'app.js'), '');
  writeFileSync(path.join(dir, 'settings.env'), 'MODE=1\n');
  writeConfig(dir, {
    version: 1,
    app: label,
    environments: { production: { stateDir: 'state', target: { pm2: { name: label, script: 'app.js' } }, backup: { dir: 'backups', files: ['settings.env'] } } },
  });
  const stateDir = path.join(dir, 'state');
  mkdirSync(stateDir);
  const env = cleanEnv({ PM2_HOME: path.join(dir, 'no-pm2') });
  return { dir, stateDir, cli: (...args) => runCli([...args, '-e', 'production'], { cwd: dir, env }) };
}

/** opsctl.yaml of app `shop` whose production backs up database `main` (URL from DB_URL) with `backup`'s other keys. */
export function writePostgresBackupConfig(dir: string, backup: Record<string, unknown>, more: Record<string, unknown> = {}): void {
  writeConfig(dir, {
    version: 1,
    app: 'shop',
    environments: {
      production: {
        target: { pm2: { name: 'shop', script: 'app.js' } },
        databases: { main: { type: 'postgres', url: '${DB_URL}' } },
        backup: { dir: 'backups', databases: ['main'], ...backup },
        ...more,
      },
    },
  });
}

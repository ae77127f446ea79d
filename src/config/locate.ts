import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';

const NAMES = ['opsctl.yaml', 'opsctl.yml'];

/** --config, else OPSCTL_CONFIG, else opsctl.yaml / opsctl.yml walking up from cwd. */
export function locateConfig(cwd: string, explicit: string | undefined, fromEnv: string | undefined): string {
  const given = explicit ?? (fromEnv || undefined);
  if (given) {
    const file = path.resolve(cwd, given);
    if (!existsSync(file)) {
      throw new ConfigError(`Config file ${file} does not exist.`, 'Check the path given with --config or OPSCTL_CONFIG.');
    }
    return file;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of NAMES) {
      const file = path.join(dir, name);
      if (existsSync(file)) return file;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new ConfigError(
    `No opsctl.yaml found in ${path.resolve(cwd)} or any folder above it.`,
    'Run opsctl init in your app\'s folder to write one from what is there, or pass --config <path>.',
  );
}

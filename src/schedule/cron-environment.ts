import path from 'node:path';
import { TOOLS } from '../process/tools.js';
import { which } from '../process/which.js';

type Env = Readonly<Record<string, string | undefined>>;

/** cron's own PATH is /usr/bin:/bin; /usr/local/bin is where most installers put tools. */
const SYSTEM_DIRS = ['/usr/local/bin', '/usr/bin', '/bin'];

/**
 * The PATH of a cron entry: the folders of node (or the executable), of `opsctl` and of each tool the
 * environment needs, as the installing shell finds them, then the system's. Not the whole interactive
 * PATH: pyenv shims or cargo's bin in a nightly run would pick tools nobody chose for it.
 */
export function cronPath(self: readonly string[], needs: Iterable<string>, env: Env): string {
  const files = [...needs].flatMap((need) => TOOLS.find((tool) => tool.name === need)?.versionCommand.file ?? []);
  const found = ['opsctl', ...files].flatMap((file) => which(file, env, 'linux') ?? []);
  const dirs = [...self.slice(0, 1), ...found].map((file) => path.dirname(file));
  return [...new Set([...dirs, ...SYSTEM_DIRS])].join(':');
}

/** What a cron entry sets before opsctl's argv: the PATH above, and PM2_HOME when the installing shell has one. */
export function cronEnvironment(self: readonly string[], needs: Iterable<string>, env: Env): Record<string, string> {
  const vars: Record<string, string> = { PATH: cronPath(self, needs, env) };
  if (env.PM2_HOME) vars.PM2_HOME = path.resolve(env.PM2_HOME);
  return vars;
}

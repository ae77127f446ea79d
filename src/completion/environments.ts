import path from 'node:path';
import type { Context } from '../context.js';

/**
 * The environment names of the config found from here (or -c / OPSCTL_CONFIG), for the completion
 * scripts; none when there is no config or it does not load: a shell completing a word must not print errors.
 */
export function environmentNames(ctx: Pick<Context, 'config'>): string[] {
  try {
    return [...ctx.config().environments.keys()];
  } catch {
    return [];
  }
}

/** The names of a list a completion script asks for (`opsctl completion --words runbooks`); none on any error. */
export async function listWords(ctx: Pick<Context, 'config' | 'environmentIfChosen'>, list: string): Promise<string[]> {
  if (list === 'environments') return environmentNames(ctx);
  if (list === 'remotes') return remoteNames(ctx);
  if (list !== 'runbooks') return [];
  try {
    const { loadRunbooks } = await import('../runbook/load.js');
    const loaded = configOrNone(ctx);
    const userDir = loaded?.runbooks === undefined ? undefined : path.resolve(loaded.dir, loaded.runbooks);
    return [...loadRunbooks(userDir).keys()];
  } catch {
    return [];
  }
}

/**
 * The backup.remotes names of the environment chosen on the line (-e, else OPSCTL_ENV, else the only one): what
 * restore --from and backup --remote accept. With none chosen, those of every environment, each once.
 */
function remoteNames(ctx: Pick<Context, 'config' | 'environmentIfChosen'>): string[] {
  try {
    const chosen = ctx.environmentIfChosen();
    const configs = chosen ? [chosen.config] : [...ctx.config().environments.values()];
    return [...new Set(configs.flatMap((config) => (config.backup?.remotes ?? []).map((remote) => remote.name)))];
  } catch {
    return [];
  }
}

/** The shipped runbooks need no config: without one (or with a broken one) they are still listed. */
function configOrNone(ctx: Pick<Context, 'config'>): ReturnType<Context['config']> | undefined {
  try {
    return ctx.config();
  } catch {
    return undefined;
  }
}

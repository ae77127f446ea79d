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
export async function listWords(ctx: Pick<Context, 'config'>, list: string): Promise<string[]> {
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

/** The shipped runbooks need no config: without one (or with a broken one) they are still listed. */
function configOrNone(ctx: Pick<Context, 'config'>): ReturnType<Context['config']> | undefined {
  try {
    return ctx.config();
  } catch {
    return undefined;
  }
}

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

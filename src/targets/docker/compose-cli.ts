import { ToolMissingError } from '../../errors.js';
import type { Runner } from '../../process/runner.js';
import { composeCommands, type ComposeCli } from './commands.js';

export const COMPOSE_V2: ComposeCli = { argv: ['docker', 'compose'], v1: false };
export const COMPOSE_V1: ComposeCli = { argv: ['docker-compose'], v1: true };

/** The v2 plugin when `docker compose version` works, else docker-compose v1 (which may be missing too). */
export async function detectComposeCli(runner: Runner): Promise<ComposeCli> {
  return (await composeWorks(runner, COMPOSE_V2)) ? COMPOSE_V2 : COMPOSE_V1;
}

/** Whether `<compose> version` exits 0; a missing executable is a no, not an error. */
export async function composeWorks(runner: Runner, cli: ComposeCli): Promise<boolean> {
  try {
    return (await runner.run(composeCommands.version(cli), { allowFailure: true })).exitCode === 0;
  } catch (error) {
    if (!(error instanceof ToolMissingError)) throw error;
    return false;
  }
}

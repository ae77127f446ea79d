import type { Check } from '../../doctor/checks.js';
import type { Runner } from '../../process/runner.js';
import { dockerCommands } from './commands.js';

/** Doctor's need names for the docker targets, besides tool names: either compose flavour, a reachable engine, swarm mode. */
export const COMPOSE = 'compose';
export const DOCKER_ENGINE = 'docker engine';
export const SWARM = 'swarm mode';

export async function checkDockerEngine(runner: Runner): Promise<Check> {
  const result = await runner.run(dockerCommands.serverVersion(), { allowFailure: true });
  const ok = result.exitCode === 0 && result.stdout.trim() !== '';
  return {
    name: DOCKER_ENGINE,
    kind: 'daemon',
    required: false,
    status: ok ? 'ok' : 'fail',
    version: ok ? result.stdout.trim() : undefined,
    detail: ok ? 'reachable' : firstLine(result.stderr) || 'not reachable',
    hint: ok ? undefined : 'Start Docker: systemctl start docker, or start Docker Desktop.',
  };
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0] ?? '';
}

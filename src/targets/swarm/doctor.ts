import type { Check } from '../../doctor/checks.js';
import type { Runner } from '../../process/runner.js';
import { dockerCommands } from '../docker/commands.js';
import { SWARM } from '../docker/doctor.js';
import type { DaemonCheck } from '../types.js';

export async function checkSwarm(runner: Runner): Promise<Check> {
  const result = await runner.run(dockerCommands.swarmState(), { allowFailure: true });
  const state = result.stdout.trim() || 'unknown';
  return {
    name: SWARM,
    kind: 'daemon',
    required: false,
    status: state === 'active' ? 'ok' : 'fail',
    detail: state === 'active' ? 'this node is in a swarm' : `node state: ${state}`,
    hint: state === 'active' ? undefined : 'Run docker swarm init, or join this node to the swarm.',
  };
}

export const swarmDaemon: DaemonCheck = { name: SWARM, needsDocker: true, check: (runner) => checkSwarm(runner) };

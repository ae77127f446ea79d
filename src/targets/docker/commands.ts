import { command } from '../../process/command.js';

const readOnly = { readOnly: true } as const;

export const dockerCommands = {
  serverVersion: () => command('docker', ['version', '--format', '{{.Server.Version}}'], readOnly),
  swarmState: () => command('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'], readOnly),
  containerIds: (labels: readonly string[]) =>
    command('docker', ['ps', '-a', '-q', '--no-trunc', ...labels.flatMap((l) => ['--filter', `label=${l}`])], readOnly),
  inspect: (ids: readonly string[]) => command('docker', ['inspect', ...ids], readOnly),
  stats: (ids: readonly string[]) => command('docker', ['stats', '--no-stream', '--no-trunc', '--format', '{{json .}}', ...ids], readOnly),
  servicePs: (service: string) => command('docker', ['service', 'ps', service, '--no-trunc', '--format', '{{json .}}'], readOnly),
  serviceInspect: (service: string) => command('docker', ['service', 'inspect', service, '--format', '{{json .}}'], readOnly),
};

/** Compose v1 lower-cases project names and drops characters it does not allow; v2 agrees on this subset. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

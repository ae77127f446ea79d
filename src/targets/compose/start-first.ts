/**
 * updateOrder: start-first for compose (the docker-rollout pattern). `up --scale <2N> --no-recreate` adds N
 * containers on the new image beside the N old ones; each new one must pass on its own (healthy when its image
 * has a HEALTHCHECK, else its own address answering on its exposed TCP ports); then the old ones are stopped
 * (their stop signal and stop_grace_period: the app's drain) and removed by id. Whatever routes to the service
 * (a proxy on the compose network, Traefik, DNS round robin) sees both releases for a moment, never neither.
 * A fixed host port ("8080:3000") is bound by one container only: start-first refuses such a service.
 */
import net from 'node:net';
import { OpsError } from '../../errors.js';
import { command, type Command } from '../../process/command.js';
import type { Runner } from '../../process/runner.js';
import { composeCommand, type ComposeCli, type ComposeProject } from '../docker/commands.js';
import type { Look } from '../docker/wait.js';
import { RELEASE_VARIABLE } from '../../deploy/types.js';

/** What start-first needs to know of a container beyond ContainerInfo: host ports and its own address. */
export interface ContainerAddress {
  id: string;
  name: string;
  state: string;
  health?: string;
  /** "8080" for `8080:3000`; empty for an ephemeral host port (`ports: ["3000"]`). */
  hostPorts: string[];
  ips: string[];
  /** Exposed TCP ports inside the container. */
  ports: number[];
}

// One JSON array per container.
const FORMAT = '[{{json .Id}},{{json .Name}},{{json .State}},{{json .HostConfig.PortBindings}},{{json .NetworkSettings.Networks}},{{json .Config.ExposedPorts}}]';

export const startFirstCommands = {
  inspect: (ids: readonly string[]): Command => command('docker', ['inspect', '--format', FORMAT, ...ids], { readOnly: true }),
  /** Adds containers on the release's image and leaves the running ones as they are. */
  scaleUp: (cli: ComposeCli, target: ComposeProject, sha: string, replicas: number): Command =>
    composeCommand(cli, target, ['up', '-d', '--no-deps', '--no-recreate', '--scale', `${target.service}=${replicas}`, target.service], { readOnly: false, env: { [RELEASE_VARIABLE]: sha } }),
  /** Without -t: docker waits the container's own stop timeout (compose's stop_grace_period). */
  stop: (ids: readonly string[]): Command => command('docker', ['stop', ...ids], { readOnly: false }),
  remove: (ids: readonly string[]): Command => command('docker', ['rm', ...ids], { readOnly: false }),
  /** New containers that did not pass: gone at once, the old ones never stopped serving. */
  forceRemove: (ids: readonly string[]): Command => command('docker', ['rm', '-f', ...ids], { readOnly: false }),
};

type Raw = [string, string, { Status?: string; Health?: { Status?: string } }, Record<string, { HostPort?: string }[] | null> | null, Record<string, { IPAddress?: string }> | null, Record<string, unknown> | null];

/** One line of `docker inspect --format FORMAT` per container. */
export function parseAddresses(stdout: string): ContainerAddress[] {
  return stdout.split(/\r?\n/).filter((l) => l.startsWith('[')).map((line) => {
    const [id, name, state, bindings, networks, exposed] = JSON.parse(line) as Raw;
    return {
      id: id.slice(0, 12),
      name: name.replace(/^\//, ''),
      state: state.Status ?? 'unknown',
      ...(state.Health?.Status ? { health: state.Health.Status } : {}),
      hostPorts: Object.values(bindings ?? {}).flatMap((b) => (b ?? []).map((x) => x.HostPort ?? '')).filter(Boolean),
      ips: Object.values(networks ?? {}).map((n) => n.IPAddress ?? '').filter(Boolean),
      ports: Object.keys(exposed ?? {}).filter((p) => p.endsWith('/tcp')).map((p) => Number.parseInt(p, 10)),
    };
  });
}

export async function inspectAddresses(runner: Runner, ids: readonly string[]): Promise<ContainerAddress[]> {
  if (ids.length === 0) return [];
  return parseAddresses((await runner.run(startFirstCommands.inspect(ids), { allowFailure: true })).stdout);
}

/** Why start-first cannot run for these containers, or undefined. */
export function fixedPortProblem(service: string, containers: readonly ContainerAddress[]): string | undefined {
  const fixed = [...new Set(containers.flatMap((c) => c.hostPorts))];
  if (fixed.length === 0) return undefined;
  return `${service} publishes the fixed host port ${fixed.join(', ')}, which one container at a time can bind: updateOrder: start-first cannot start the new containers beside the old ones.`;
}

export const FIXED_PORT_HINT = 'Publish the container port alone (ports: ["3000"], an ephemeral host port) behind a proxy on the compose network, or set target.compose.updateOrder: stop-first (a short gap while the container is replaced).';

export function fixedPortError(service: string, containers: readonly ContainerAddress[]): OpsError | undefined {
  const problem = fixedPortProblem(service, containers);
  return problem ? new OpsError(problem, FIXED_PORT_HINT) : undefined;
}

/** One look at a new container: passed on its own, or where it stands. */
export async function lookAtNew(c: ContainerAddress, connect = canConnect): Promise<Look> {
  if (c.state !== 'running') return { done: false, state: `${c.name} is ${c.state}` };
  if (c.health !== undefined) return c.health === 'healthy' ? { done: true } : { done: false, state: `${c.name} is ${c.health}` };
  for (const ip of c.ips) for (const port of c.ports) if (!(await connect(ip, port))) return { done: false, state: `${c.name} does not answer on ${ip}:${port}` };
  return { done: true };
}

/** Whether a TCP connection to host:port opens within a second. */
export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    const done = (ok: boolean) => (socket.destroy(), resolve(ok));
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}


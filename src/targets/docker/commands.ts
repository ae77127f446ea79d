import { RELEASE_VARIABLE } from '../../deploy/types.js';
import { command, type Command } from '../../process/command.js';

/** `docker compose` (v2 plugin) or `docker-compose` (v1): the argv prefix and whether it is v1. */
export interface ComposeCli {
  argv: readonly string[];
  v1: boolean;
}

/** What every compose command names: the project, its files and the folder they resolve from. */
export interface ComposeProject {
  project: string;
  files: readonly string[];
  service: string;
  /** Folder of opsctl.yaml: compose resolves the files and the .env from there. */
  cwd: string;
}

/**
 * Every docker and compose argv opsctl runs, for status, deploy, logs, cleanup and doctor alike: pure
 * builders, so tests and --dry-run see the value and one runner runs it. Removal is always by explicit
 * id, never `docker system prune`.
 */
const readOnly = { readOnly: true } as const;
const change = { readOnly: false } as const;
const STOPPED = ['exited', 'created', 'dead'];
const releaseEnv = (sha: string) => ({ [RELEASE_VARIABLE]: sha });
const labelFilters = (labels: readonly string[]) => labels.flatMap((l) => ['--filter', `label=${l}`]);

export interface DockerLogsOptions {
  follow: boolean;
  /** ISO time: only lines from then on (compose v1 cannot; opsctl filters anyway). */
  since?: string;
  /** Lines per container from the end, when no filter could make the last matches older than that. */
  tail?: number;
}

export const dockerCommands = {
  serverVersion: () => command('docker', ['version', '--format', '{{.Server.Version}}'], readOnly),
  swarmState: () => command('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'], readOnly),
  /** "active true" on a swarm manager. */
  swarmRole: () => command('docker', ['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}'], readOnly),

  containerIds: (labels: readonly string[]) => command('docker', ['ps', '-a', '-q', '--no-trunc', ...labelFilters(labels)], readOnly),
  stoppedContainerIds: (label: string) =>
    command('docker', ['ps', '-a', '-q', '--no-trunc', ...labelFilters([label]), ...STOPPED.flatMap((s) => ['--filter', `status=${s}`])], readOnly),
  allContainerIds: () => command('docker', ['ps', '-a', '-q', '--no-trunc'], readOnly),
  inspect: (ids: readonly string[]) => command('docker', ['inspect', ...ids], readOnly),
  containerInspect: (ids: readonly string[], withSize: boolean) => command('docker', ['container', 'inspect', ...(withSize ? ['--size'] : []), ...ids], readOnly),
  stats: (ids: readonly string[]) => command('docker', ['stats', '--no-stream', '--no-trunc', '--format', '{{json .}}', ...ids], readOnly),
  removeContainer: (id: string) => command('docker', ['rm', id], change),

  /** Exits non-zero when the image is not in the local engine. */
  imageId: (image: string) => command('docker', ['image', 'inspect', '--format', '{{.Id}}', image], readOnly),
  imageIds: (repository: string) => command('docker', ['image', 'ls', '-q', '--no-trunc', repository], readOnly),
  danglingImageIds: () => command('docker', ['image', 'ls', '-q', '--no-trunc', '--filter', 'dangling=true'], readOnly),
  imageInspect: (ids: readonly string[]) => command('docker', ['image', 'inspect', ...ids], readOnly),
  removeImage: (id: string) => command('docker', ['image', 'rm', id], change),

  servicePs: (service: string) => command('docker', ['service', 'ps', service, '--no-trunc', '--format', '{{json .}}'], readOnly),
  serviceInspect: (service: string) => command('docker', ['service', 'inspect', service, '--format', '{{json .}}'], readOnly),
  /** First deploy: creates the stack; the image exists only locally, so no registry lookup. */
  stackDeploy: (file: string, stack: string, sha: string, cwd: string) =>
    command('docker', ['stack', 'deploy', '--resolve-image', 'never', '-c', file, stack], { readOnly: false, env: releaseEnv(sha), cwd }),
  /** Later deploys: a rolling update that waits until swarm says it converged (or paused). */
  serviceUpdate: (service: string, image: string, order: 'start-first' | 'stop-first') =>
    command('docker', ['service', 'update', '--image', image, '--update-order', order, '--no-resolve-image', '--detach=false', '--quiet', service], change),
  /** restart: new tasks one by one as the service's update config says, same image and spec. */
  serviceRestart: (service: string) => command('docker', ['service', 'update', '--force', '--detach=false', '--quiet', service], change),
  containerRestart: (id: string) => command('docker', ['restart', id], change),
  serviceScale: (service: string, replicas: number): Command => command('docker', ['service', 'scale', `${service}=${replicas}`, '--detach=false'], change),
  serviceLogs: (service: string, options: DockerLogsOptions): Command => {
    const args = ['service', 'logs', '--timestamps', '--no-task-ids'];
    if (options.follow) args.push('--follow');
    if (options.since) args.push('--since', options.since);
    if (options.tail !== undefined) args.push('--tail', String(options.tail));
    return command('docker', [...args, service], readOnly);
  },
};

/** `<compose> -p <project> -f <file>... <args>` run from the project's folder. */
export function composeCommand(
  cli: ComposeCli,
  target: Omit<ComposeProject, 'service'>,
  args: readonly string[],
  options: { readOnly: boolean; env?: Readonly<Record<string, string>> },
): Command {
  const [file, ...pre] = cli.argv;
  const head = [...pre, '-p', target.project, ...target.files.flatMap((f) => ['-f', f])];
  return command(file!, [...head, ...args], { readOnly: options.readOnly, cwd: target.cwd, ...(options.env ? { env: options.env } : {}) });
}

export const composeCommands = {
  /** `<compose> version --short`: exits 0 when this compose flavour is usable. */
  version: (cli: ComposeCli): Command => {
    const [file, ...pre] = cli.argv;
    return command(file!, [...pre, 'version', '--short'], readOnly);
  },
  /**
   * Recreates the service's containers on the release image. `noDeps` once the service runs: a
   * deploy must not recreate the database it depends on; the first deploy starts the dependencies.
   * `scale` keeps the current count: compose v1's `up` otherwise goes back to the file's count.
   */
  up: (cli: ComposeCli, target: ComposeProject, sha: string, options: { noDeps: boolean; scale?: number }) =>
    composeCommand(
      cli,
      target,
      ['up', '-d', ...(options.noDeps ? ['--no-deps'] : []), ...(options.scale !== undefined ? ['--scale', `${target.service}=${options.scale}`] : []), target.service],
      { readOnly: false, env: releaseEnv(sha) },
    ),
  /** Adds or removes containers of the running release without touching the ones that stay. */
  scale: (cli: ComposeCli, target: ComposeProject, sha: string, replicas: number) =>
    composeCommand(cli, target, ['up', '-d', '--no-deps', '--scale', `${target.service}=${replicas}`, '--no-recreate', target.service], {
      readOnly: false,
      env: releaseEnv(sha),
    }),
  /** restart, stop or start one service as it is (no new image, no recreate). */
  control: (cli: ComposeCli, target: Omit<ComposeProject, 'service'>, action: 'restart' | 'stop' | 'start', service: string) =>
    composeCommand(cli, target, [action, service], { readOnly: false }),
  logs: (cli: ComposeCli, target: ComposeProject, options: DockerLogsOptions): Command => {
    const args = ['logs', '--timestamps', '--no-color'];
    if (options.follow) args.push('--follow');
    if (options.since && !cli.v1) args.push('--since', options.since);
    if (options.tail !== undefined) args.push(`--tail=${options.tail}`);
    return composeCommand(cli, target, [...args, target.service], readOnly);
  },
};

/** Compose v1 lower-cases project names and drops characters it does not allow; v2 agrees on this subset. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

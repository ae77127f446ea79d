import { command, type Command } from '../../process/command.js';
import { composeCommand, type ComposeCli, type ComposeProject } from '../../targets/docker/compose-cli.js';

const readOnly = { readOnly: true } as const;

/** The variable a compose or stack file names the release's image tag with: `image: app:${OPSCTL_RELEASE}`. */
export const RELEASE_VARIABLE = 'OPSCTL_RELEASE';

const releaseEnv = (sha: string) => ({ [RELEASE_VARIABLE]: sha });

/** Argv builders for deploy, rollback and scale on compose and swarm; pure, so tests and --dry-run see the value. */
export const deployCommands = {
  /** Exits non-zero when the image is not in the local engine. */
  imageInspect: (image: string) => command('docker', ['image', 'inspect', '--format', '{{.Id}}', image], readOnly),
  /** "active true" on a swarm manager. */
  swarmRole: () => command('docker', ['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}'], readOnly),

  /**
   * Recreates the service's containers on the release image. `noDeps` once the service runs: a
   * deploy must not recreate the database it depends on; the first deploy starts the dependencies.
   * `scale` keeps the current count: compose v1's `up` otherwise goes back to the file's count.
   */
  composeUp: (cli: ComposeCli, target: ComposeProject, sha: string, options: { noDeps: boolean; scale?: number }) =>
    composeCommand(
      cli,
      target,
      [
        'up', '-d',
        ...(options.noDeps ? ['--no-deps'] : []),
        ...(options.scale !== undefined ? ['--scale', `${target.service}=${options.scale}`] : []),
        target.service,
      ],
      { readOnly: false, env: releaseEnv(sha) },
    ),
  /** Adds or removes containers of the running release without touching the ones that stay. */
  composeScale: (cli: ComposeCli, target: ComposeProject, sha: string, replicas: number) =>
    composeCommand(cli, target, ['up', '-d', '--no-deps', '--scale', `${target.service}=${replicas}`, '--no-recreate', target.service], {
      readOnly: false,
      env: releaseEnv(sha),
    }),

  /** First deploy: creates the stack; the image exists only locally, so no registry lookup. */
  stackDeploy: (file: string, stack: string, sha: string, cwd: string) =>
    command('docker', ['stack', 'deploy', '--resolve-image', 'never', '-c', file, stack], { readOnly: false, env: releaseEnv(sha), cwd }),
  /** Later deploys: a rolling update that waits until swarm says it converged (or paused). */
  serviceUpdate: (service: string, image: string, order: 'start-first' | 'stop-first') =>
    command(
      'docker',
      ['service', 'update', '--image', image, '--update-order', order, '--no-resolve-image', '--detach=false', '--quiet', service],
      { readOnly: false },
    ),
  serviceScale: (service: string, replicas: number): Command =>
    command('docker', ['service', 'scale', `${service}=${replicas}`, '--detach=false'], { readOnly: false }),
};

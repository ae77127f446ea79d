import { existsSync } from 'node:fs';
import { readDotenv } from '../config/load.js';
import type { TargetKind } from '../config/schema.js';
import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import { ConfigError, UsageError } from '../errors.js';
import { command, type Command } from '../process/command.js';
import type { Runner } from '../process/runner.js';
import { composeCommand } from '../targets/docker/commands.js';
import { detectComposeCli } from '../targets/docker/compose-cli.js';
import { composeProject } from '../targets/compose/status.js';
import { kindOf } from '../targets/registry.js';
import { releaseLedger } from './ledger.js';
import { preparedAt, releaseLayout, resolveRef } from './releases.js';
import { imageFor } from './session.js';
import { RELEASE_VARIABLE, type PreparedRelease } from './types.js';

/** A one-off command of a release: `source.migrate`, `opsctl migrate` and `opsctl exec` run through here. */
export interface OneOff {
  release: PreparedRelease;
  argv: readonly string[];
}

/**
 * The environment's variables for the command: the .env beside opsctl.yaml, then what the target sets
 * (pm2 `env`), then which release and environment this is. They travel in the child's environment only.
 */
export function oneOffVariables(env: SelectedEnvironment, release: PreparedRelease): Record<string, string> {
  return { ...readDotenv(env.envFile), ...(env.config.target.pm2?.env ?? {}), [RELEASE_VARIABLE]: release.sha, OPSCTL_ENV: env.name };
}

type Builder = (env: SelectedEnvironment, run: OneOff, runner: Runner) => Promise<Command>;

/**
 * One line per target kind. pm2: in the release folder, as the app would run. compose: `compose run --rm`
 * of the service, so the one-off container has the release image (image: app:${OPSCTL_RELEASE}), the
 * service's environment, networks and the services it depends on. swarm: `docker run --rm` of the image
 * with the variables by name (`-e NAME`, values from the environment, never argv).
 */
const BUILDERS: Record<TargetKind, Builder> = {
  pm2: async (env, { release, argv }) => command(argv[0]!, argv.slice(1), { cwd: release.dir, env: oneOffVariables(env, release), readOnly: false }),
  compose: async (env, { release, argv }, runner) => {
    const config = env.config.target.compose!;
    const files = typeof config.file === 'string' ? [config.file] : config.file;
    const project = { project: composeProject(config, env.app), files, cwd: env.dir };
    return composeCommand(await detectComposeCli(runner), project, ['run', '--rm', '-T', config.service, ...argv], { readOnly: false, env: oneOffVariables(env, release) });
  },
  swarm: async (env, { release, argv }) => {
    const variables = oneOffVariables(env, release);
    const names = Object.keys(variables).flatMap((name) => ['-e', name]);
    return command('docker', ['run', '--rm', ...names, release.image!, ...argv], { env: variables, readOnly: false });
  },
};

export function oneOffCommand(env: SelectedEnvironment, run: OneOff, runner: Runner): Promise<Command> {
  return BUILDERS[kindOf(env.config.target)](env, run, runner);
}

/** The release that runs now, as the journal knows it, at its kept folder (and image): where `migrate` and `exec` run. */
export async function currentRelease(runner: Runner, env: SelectedEnvironment): Promise<PreparedRelease> {
  const source = env.config.source;
  if (!source) throw new ConfigError(`environments.${env.name}.source is not set: there is no release to run in.`, 'Add source: { repo: . } and deploy first.');
  const { current } = await releaseLedger(env);
  if (!current) throw new UsageError(`Nothing is deployed on ${env.name} yet, as far as opsctl's history knows.`, `Deploy first: opsctl deploy -e ${env.name}.`);
  const layout = await releaseLayout(runner, env, resolveFrom(env, source.repo));
  const ref = await resolveRef(runner, layout.repo, current);
  const release = preparedAt(layout, ref, imageFor(env, ref.sha));
  if (!existsSync(release.root)) throw new UsageError(`The folder of release ${ref.shortSha} is gone (${release.root}).`, `Deploy it again: opsctl deploy -e ${env.name} --ref ${ref.shortSha} --force.`);
  return release;
}

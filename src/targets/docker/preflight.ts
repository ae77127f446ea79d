import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ToolMissingError } from '../../errors.js';
import type { Runner } from '../../process/runner.js';
import { RELEASE_VARIABLE, type PreparedRelease } from '../../deploy/types.js';
import { dockerCommands } from './commands.js';

/** The engine answers `docker version`; one sentence when it does not. */
export async function engineProblems(runner: Runner): Promise<string[]> {
  try {
    const result = await runner.run(dockerCommands.serverVersion(), { allowFailure: true });
    if (result.exitCode === 0) return [];
    const why = result.stderr.trim().split(/\r?\n/).pop() ?? '';
    return [`The docker engine is not reachable (${why || `docker version exited ${result.exitCode}`}); start dockerd or point DOCKER_HOST at it.`];
  } catch (error) {
    if (error instanceof ToolMissingError) return ['docker is not installed or not on PATH; install the docker CLI.'];
    throw error;
  }
}

/** deploy runs `<image>:<sha>`, so the image name must be in the config. */
export function imageKeyProblems(kind: 'compose' | 'swarm', image: string | undefined): string[] {
  if (image) return [];
  return [`target.${kind}.image is not set: deploy runs <image>:<release sha>; set it to the name your build tags, e.g. image: myapp.`];
}

/** Each file exists (relative to opsctl.yaml's folder) and names ${OPSCTL_RELEASE}, or the release would not change what runs. */
export function releaseFileProblems(dir: string, files: readonly string[], image: string | undefined): string[] {
  return files.flatMap((file) => {
    const full = path.resolve(dir, file);
    if (!existsSync(full)) return [`${file} does not exist (looked in ${dir}); create it or fix its name in opsctl.yaml.`];
    return readFileSync(full, 'utf8').includes(RELEASE_VARIABLE)
      ? []
      : [`${file} does not mention ${RELEASE_VARIABLE}: write the service's image as \`image: ${image ?? '<image>'}:\${${RELEASE_VARIABLE}}\` so each release runs its own build.`];
  });
}

/** The build tagged the release's image in the local engine (no registry is involved). */
export async function imageProblems(runner: Runner, release: PreparedRelease): Promise<string[]> {
  if (!release.image) return ['The release has no image name; set target.<compose|swarm>.image.'];
  const result = await runner.run(dockerCommands.imageId(release.image), { allowFailure: true });
  if (result.exitCode === 0) return [];
  return [`Image ${release.image} does not exist after the build: source.build must tag it, e.g. \`docker build -t ${release.image.replace(release.sha, `\${${RELEASE_VARIABLE}}`)} .\`.`];
}

/** The tag of `repo:tag` (a registry's host:port is not a tag). */
/** The release an image of `<image>:<sha>` holds; undefined for any other tag (latest, 1.4.2). */
export function releaseOfImage(image: string): string | undefined {
  const tag = tagOf(image);
  return tag && /^[0-9a-f]{40,64}$/.test(tag) ? tag : undefined;
}

export function tagOf(image: string): string | undefined {
  const name = image.split('@')[0]!;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
}

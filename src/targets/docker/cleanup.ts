import { parseDuration } from '../../config/duration.js';
import type { SelectedEnvironment } from '../../config/select.js';
import type { Context } from '../../context.js';
import { keptReleaseCount } from '../../cleanup/releases.js';
import type { KindPlan, Removal } from '../../cleanup/types.js';
import { releaseLedger } from '../../deploy/ledger.js';
import type { Runner } from '../../process/runner.js';
import type { TargetAdapter } from '../types.js';
import { dockerCommands as docker } from './commands.js';
import { idsOf, parseContainerFacts, parseImageFacts, repositoryOf, shortId, type ImageFacts } from './image-facts.js';
import { decideReleaseImages, imageLabel } from './image-select.js';

/**
 * cleanup.docker: stopped containers of this environment only (compose project / swarm stack label),
 * dangling images, and old images of the target's repository beyond keepReleases. Never an image in use.
 */
export async function planDocker(ctx: Context, env: SelectedEnvironment, target: Pick<TargetAdapter, 'kind' | 'image' | 'cleanup'>): Promise<KindPlan> {
  const setting = env.config.cleanup?.docker;
  if (!setting) return { removals: [], notes: [] };
  const options = setting === true ? {} : setting;
  const plan: KindPlan = { removals: [], notes: [] };
  const label = target.cleanup.containerLabel;
  if (label) plan.removals.push(...(await stoppedContainers(ctx.runner, label)));
  else plan.notes.push(`docker: a ${target.kind} target has no containers; only dangling images are considered`);

  const inUse = await imagesInUse(ctx.runner);
  const dangling = await inspectImages(ctx.runner, idsOf((await ctx.runner.run(docker.danglingImageIds())).stdout));
  for (const image of dangling) {
    if (inUse.has(image.id)) continue;
    plan.removals.push(imageRemoval(ctx.runner, image, 'dangling (untagged, as docker image prune removes)'));
  }
  const image = target.image;
  if (!image) return plan;
  const repository = repositoryOf(image);
  const keepReleases = options.keepReleases ?? keptReleaseCount(env);
  const ledger = await releaseLedger(env);
  const kept = new Set([...(ledger.current ? [ledger.current] : []), ...ledger.good.slice(0, keepReleases)]);
  const olderThanMs = options.olderThan ? parseDuration(options.olderThan) : undefined;
  const releases = await inspectImages(ctx.runner, idsOf((await ctx.runner.run(docker.imageIds(repository))).stdout));
  const decisions = decideReleaseImages(releases, { repository, keepReleases, olderThanMs, releases: kept }, inUse, ctx.now());
  for (const d of decisions) if (d.remove) plan.removals.push(imageRemoval(ctx.runner, d.image, d.why));
  const stay = decisions.filter((d) => !d.remove).length;
  const rule = kept.size > 0 ? `running or among the newest ${keepReleases} good releases in history` : `newest ${keepReleases}`;
  if (stay > 0) plan.notes.push(`docker: kept ${stay} image(s) of ${repository} (${rule}, in use, or younger than olderThan)`);
  return plan;
}

async function stoppedContainers(runner: Runner, label: string): Promise<Removal[]> {
  const ids = idsOf((await runner.run(docker.stoppedContainerIds(label))).stdout);
  if (ids.length === 0) return [];
  // One removed in between makes inspect exit 1 while still printing the others.
  const facts = parseContainerFacts((await runner.run(docker.containerInspect(ids, true), { allowFailure: true })).stdout);
  return facts
    .filter((c) => c.state !== 'running' && c.state !== 'restarting' && c.state !== 'paused')
    .map((c) => ({
      item: { kind: 'docker' as const, what: `container ${c.name} (${shortId(c.id)})`, bytes: c.sizeRw, why: `${c.state}, of this environment (${label})` },
      remove: async () => void (await runner.run(docker.removeContainer(c.id))),
    }));
}

/** Image ids used by any container, running or not, of any project: those never go. */
async function imagesInUse(runner: Runner): Promise<Set<string>> {
  const ids = idsOf((await runner.run(docker.allContainerIds())).stdout);
  if (ids.length === 0) return new Set();
  const facts = parseContainerFacts((await runner.run(docker.containerInspect(ids, false), { allowFailure: true })).stdout);
  return new Set(facts.map((c) => c.imageId));
}

async function inspectImages(runner: Runner, ids: readonly string[]): Promise<ImageFacts[]> {
  if (ids.length === 0) return [];
  return parseImageFacts((await runner.run(docker.imageInspect(ids), { allowFailure: true })).stdout);
}

function imageRemoval(runner: Runner, image: ImageFacts, why: string): Removal {
  return {
    item: { kind: 'docker', what: `image ${imageLabel(image)}`, bytes: image.bytes, why },
    remove: async () => void (await runner.run(docker.removeImage(image.id))),
  };
}

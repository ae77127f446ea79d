import { OpsError } from '../errors.js';
import { splitCommandLine } from '../process/argv.js';
import { command, type Command } from '../process/command.js';
import { plural } from '../output/table.js';
import { checkoutRelease, preparedAt, type ResolvedRef } from './releases.js';
import { imageFor, type SourceSession } from './session.js';
import type { StepPrefix } from './steps.js';
import type { PreparedRelease } from './types.js';

/** A build or check command of the config as argv, run in the release folder with the release's id. */
export function releaseCommand(line: string, key: string, release: PreparedRelease, environment: string): Command {
  const [file, ...args] = splitCommandLine(line, key).map((arg) => arg.replaceAll('${OPSCTL_RELEASE}', release.sha));
  return command(file!, args, { cwd: release.dir, env: { OPSCTL_RELEASE: release.sha, OPSCTL_ENV: environment }, readOnly: false });
}

/**
 * The release made ready to switch to: its folder, then `source.build`, then `source.checks` (unless
 * skipped), then the target's own check that the build produced what it runs (an image).
 */
/** Why a rollback does not run source.checks again. */
export const ROLLBACK_SKIPS_CHECKS = 'a rollback: the release passed them when it was deployed';

/** `skipTests`: why source.checks do not run (`--skip-tests`, or a rollback to a release that passed them when deployed). */
export async function prepareRelease(session: SourceSession, ref: ResolvedRef, options: { skipTests: false | string; reuseBuilt?: boolean; prefix?: StepPrefix }): Promise<PreparedRelease> {
  const { ctx, env, steps, source, layout, driver } = session;
  const prefix = options.prefix ?? '';
  const release = preparedAt(layout, ref, imageFor(env, ref.sha));
  const made = await steps.run(`${prefix}prepare`, `release folder for ${ref.shortSha}`, () => checkoutRelease(ctx, layout, release), (how) =>
    `${release.root} (${ctx.dryRun ? 'planned' : how})`,
  );
  // Rollback goes back to a kept folder (and image) built before: no rebuild, no network.
  if (options.reuseBuilt && made === 'reused' && (await driver.verifyBuilt(release)).length === 0) {
    steps.skip(`${prefix}build`, `release ${ref.shortSha} was built before`);
    return release;
  }
  await runCommands(session, 'build', source.build, release, prefix);
  if (options.skipTests !== false) steps.skip(`${prefix}checks`, options.skipTests);
  else await runCommands(session, 'checks', source.checks, release, prefix);
  if (!ctx.dryRun) {
    await steps.run(`${prefix}verify`, 'the build made what the target runs', async () => {
      const problems = await driver.verifyBuilt(release);
      if (problems.length > 0) throw new OpsError(`release ${ref.shortSha} is not ready to run: ${problems.join('; ')}.`, 'Check source.build: it must produce what the target runs.');
    });
  }
  return release;
}

async function runCommands(session: SourceSession, name: 'build' | 'checks', lines: readonly string[], release: PreparedRelease, prefix: StepPrefix): Promise<void> {
  if (lines.length === 0) {
    session.steps.skip(`${prefix}${name}`, `no source.${name} in opsctl.yaml`);
    return;
  }
  const commands = lines.map((line, index) => releaseCommand(line, `source.${name}[${index}]`, release, session.env.name));
  await session.steps.run(`${prefix}${name}`, plural(commands.length, 'command'), async () => {
    for (const cmd of commands) await session.ctx.runner.run(cmd, { signal: session.ctx.signal });
  });
}

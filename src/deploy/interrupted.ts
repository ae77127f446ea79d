import { existsSync } from 'node:fs';
import path from 'node:path';
import { createRunner } from '../process/runner.js';
import { targetOf } from '../targets/registry.js';
import { CURRENT_LINK, linkedFolder, releaseFolder, releasesDirOf } from './releases.js';
import type { DeployResult } from './result.js';
import type { Session } from './session.js';
import { kindOf } from './steps.js';

/** The look at what runs must end within the CLI's grace after an interruption (5 s). */
const LOOK_MS = 3500;

/**
 * After Ctrl-C or --timeout past the switch: asks the target what each instance runs, makes the record
 * (result.running) and the `current` link say the same, and returns what was and was not put right, in
 * sentences. The interrupted signal cannot run commands, so the look has a short deadline of its own.
 */
export async function settleInterrupted(session: Session, result: DeployResult): Promise<string> {
  const { ctx, env } = session;
  const switchedTo = result.running;
  const before = result.previous;
  let releases: Set<string>;
  let count: number;
  try {
    const runner = createRunner({ dryRun: false, verbose: false, signal: AbortSignal.timeout(LOOK_MS), log: (line) => ctx.log.debug(line), env: ctx.env });
    const status = await targetOf(env).status({ runner, env: ctx.env, now: ctx.now }).status();
    const up = status.instances.filter((i) => (!status.service || i.service === status.service) && ['online', 'running'].includes(i.state.split(' ')[0]!));
    releases = new Set(up.map((i) => i.release ?? 'unknown'));
    count = up.length;
  } catch (error) {
    const why = (error as Error).message.split('\n')[0];
    // A loaded machine can miss the deadline: a switch the tool said was done still tells what runs.
    if (switchFinished(result)) return `all instances run ${short(switchedTo)}, unverified: its switch had finished and the health gate had not (what runs could not be read again in time: ${why}); the record says ${short(switchedTo)}, and the current link was left as the switch set it.`;
    result.running = null;
    return `What runs could not be read (${why}): the record says unknown; the current link was left as it was. Run opsctl status, then deploy or roll back.`;
  }
  const [only] = releases;
  if (releases.size === 1 && only !== 'unknown' && (only === before || only === switchedTo)) {
    result.running = only;
    const link = await pointLinkAt(session, only);
    const what = only === before ? `nothing of ${short(switchedTo)} runs: all ${count} instance(s) still run ${short(before)}` : `all ${count} instance(s) run ${short(only)}, unverified (the health gate did not finish)`;
    return `${what}; the record says ${short(only)}${link}.`;
  }
  result.running = null;
  const parts = [...releases].map((r) => short(r === 'unknown' ? null : r)).join(' and ');
  return `${count === 0 ? 'no instance runs' : `the instances run ${parts}`}: the record says unknown and the current link was left as it was. Run opsctl deploy again, or opsctl rollback.`;
}

const short = (sha: string | null | undefined) => sha?.slice(0, 7) ?? 'nothing';

/** The deploy's own switch step ended ok and no rollback switch began: the tool said the release runs. */
function switchFinished(result: DeployResult): boolean {
  const last = result.steps.filter((s) => kindOf(s.name) === 'switch').at(-1);
  return Boolean(result.running) && last?.name === 'switch' && last.status === 'ok';
}

/** pm2 runs the app through `current`: it must lead to what runs, or the next pm2 restart starts another release. */
async function pointLinkAt(session: Session, sha: string): Promise<string> {
  const releasesDir = releasesDirOf(session.env);
  const linked = await linkedFolder(releasesDir);
  const folder = releaseFolder(releasesDir, sha);
  if (linked === null || linked === path.basename(folder)) return linked === null ? '' : `, and so does the current link`;
  if (!existsSync(folder)) return `; the current link still leads to ${linked.slice(0, 7)} (the folder of ${sha.slice(0, 7)} is gone)`;
  await session.ctx.effects.apply({ kind: 'link', link: path.join(releasesDir, CURRENT_LINK), target: folder });
  return `; the current link was put back from ${linked.slice(0, 7)} to ${sha.slice(0, 7)}`;
}

/**
 * Stopped before the switch: what ran keeps running, and nothing is undone. What the steps so far left
 * behind is named (the release folder, a backup set, a migration that ran or was cut short), since the
 * next run, not this one, deals with it.
 */
export function stoppedBeforeSwitch(session: Session, result: DeployResult): string {
  const { env } = session;
  const at = result.steps.at(-1);
  const where = at ? ` ${at.status === 'ok' ? 'after' : 'during'} ${at.name}, before the switch` : ' before the switch';
  const runs = result.previous ? `${result.previous.slice(0, 7)} keeps running` : 'nothing was started';
  const migrated = result.steps.some((s) => s.name === 'migrate');
  const kept: string[] = [];
  const folder = result.release && releaseFolder(releasesDirOf(env), result.release.sha);
  if (folder && existsSync(folder)) kept.push(`the release folder ${folder} (the next deploy reuses it and builds again)`);
  if (result.backup) kept.push(`backup set ${result.backup}`);
  if (migrated) {
    const taken = result.backup ? `; backup set ${result.backup} was taken before it` : '';
    kept.push(`the database, which source.migrate ${result.steps.find((s) => s.name === 'migrate')!.status === 'ok' ? 'migrated' : 'was migrating when stopped (it may be part-way)'}${taken}`);
  }
  const changed = migrated ? `${env.name}'s app was not switched` : `${env.name} was not changed`;
  return `${result.operation} stopped${where}: ${changed} (${runs}). ${kept.length > 0 ? `Left as they are: ${kept.join('; ')}.` : 'Nothing was left behind.'}`;
}

import { resolveFrom } from '../config/select.js';
import type { CommandResult, Context } from '../context.js';
import { readRepoState, type RepoRead, type RepoState } from '../git/git.js';
import { readEntries, type HistoryEntry } from '../history/journal.js';
import { reportBadLines } from '../history/bad-lines.js';
import { readLock, type LockState } from '../history/lock.js';
import { formatDuration } from '../config/duration.js';
import { paintState, type Style } from '../output/style.js';
import { clip, formatBytes, renderPairs, renderTable } from '../output/table.js';
import { renderHistory } from '../output/history-table.js';
import { createTarget } from '../targets/registry.js';
import type { TargetStatus } from '../targets/types.js';
import { ToolMissingError, UsageError } from '../errors.js';
import { lastBackup, renderLastBackup, type LastBackup } from '../backup/last.js';
import { readLedger, RELEASE_TYPES, releaseDetails } from '../deploy/ledger.js';
import { releaseDrift, type ReleaseDrift } from '../deploy/drift.js';
import { linkedFolder, releasesDirOf } from '../deploy/releases.js';

export interface StatusData {
  environment: string;
  app: string;
  target: TargetStatus;
  /** What opsctl deployed last (from the journal); null before the first deploy. */
  deployed: DeployedRelease | null;
  /** The source working copy's HEAD: what the next `deploy` of that branch would take. */
  release: (RepoState & { repo: string }) | null;
  /** Why the release is unknown, in git's words. */
  releaseProblem: string | null;
  lock: LockState | null;
  history: HistoryEntry[];
  /** The newest complete backup set (its id null when there is none yet); null without a backup section. */
  backup: LastBackup | null;
  /** What the instances run against the record and the `current` link. */
  drift: ReleaseDrift;
}

export interface DeployedRelease {
  sha: string;
  shortSha: string;
  subject: string;
  at: string;
  by: string;
  verdict: string;
}

async function deployedRelease(stateDir: string, environment: string): Promise<DeployedRelease | null> {
  const entries = await readEntries(stateDir, { environment, types: RELEASE_TYPES });
  const { current, entries: bySha } = readLedger(entries);
  const entry = current ? bySha.get(current) : undefined;
  const details = entry && releaseDetails(entry);
  if (current && entry && details) {
    return { sha: current, shortSha: details.shortSha, subject: details.subject ?? '', at: entry.startedAt, by: `${entry.type} by ${entry.user}@${entry.host}`, verdict: details.verdict };
  }
  // A failed rollback leaves the journal not knowing what runs: say so, not "nothing deployed".
  const newest = entries.find((e) => releaseDetails(e));
  const last = newest && releaseDetails(newest);
  if (!newest || !last) return null;
  const outcome = String((newest.details as { outcome?: string }).outcome ?? newest.result);
  return { sha: '', shortSha: 'unknown', subject: `since the ${newest.type} of ${last.shortSha} ended ${outcome}`, at: newest.startedAt, by: `${newest.type} by ${newest.user}@${newest.host}`, verdict: 'unknown' };
}

export async function run(ctx: Context, options: { history?: string }): Promise<CommandResult<StatusData>> {
  const env = ctx.environment();
  const limit = Number(options.history ?? 5);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--history ${options.history} is not a count.`, 'Give a whole number, e.g. -n 10.');
  const target = createTarget(env, { runner: ctx.runner, env: ctx.env, now: ctx.now });
  const repo = env.config.source ? resolveFrom(env, env.config.source.repo) : env.dir;
  const [targetStatus, release, lock, history, backup, deployed] = await Promise.all([
    target.status(),
    readRepoState(ctx.runner, repo).catch((error: unknown): RepoRead => {
      // The release is a nice-to-have here: without git, status still shows the target.
      if (!(error instanceof ToolMissingError)) throw error;
      return { problem: `git is not installed. ${error.hint ?? ''}`.trim() };
    }),
    readLock(env.stateDir, env.name),
    readEntries(env.stateDir, { environment: env.name, limit }),
    lastBackup(env, ctx.now(), ctx),
    deployedRelease(env.stateDir, env.name),
  ]);
  const own = targetStatus.instances.filter((i) => !targetStatus.service || i.service === targetStatus.service);
  const drift = releaseDrift(own, deployed?.sha || null, await linkedFolder(releasesDirOf(env)));
  // Both journal reads met the same torn lines: one warning for them.
  reportBadLines(ctx.log.warn);
  return {
    data: {
      environment: env.name,
      app: env.app,
      target: targetStatus,
      deployed,
      release: release.state ? { repo, ...release.state } : null,
      releaseProblem: release.problem ?? null,
      lock: lock ?? null,
      history,
      backup,
      drift,
    },
  };
}

export function render(data: StatusData, style: Style): string {
  const { target } = data;
  const own = target.instances.filter((i) => !target.service || i.service === target.service);
  const running = own.filter((i) => ['online', 'running'].includes(i.state.split(' ')[0]!)).length;
  const desired = target.desired === undefined ? '' : `/${target.desired}`;
  const release = data.release
    ? `${data.release.shortSha}${data.release.branch ? ` (${data.release.branch})` : ''} ${style.dim(clip(data.release.subject, 60))}${data.release.dirty ? style.yellow(' +uncommitted changes') : ''}`
    : style.dim(`unknown: ${data.releaseProblem ?? 'no git repository'}`);
  const lock = data.lock?.invalid
    ? `${style.yellow('an invalid lock file')} (${data.lock.invalid})${data.lock.stale ? style.red(' (stale: the next operation reclaims it)') : ''}`
    : data.lock
    ? `${style.yellow(`held by "${data.lock.holder.command}"`)} pid ${data.lock.holder.pid} ${data.lock.holder.user}@${data.lock.holder.host} since ${data.lock.holder.startedAt}${data.lock.stale ? style.red(' (stale: holder is gone)') : ''}`
    : style.green('free');
  const header = renderPairs(style, [
    ['environment', `${style.bold(data.environment)} (${data.app})`],
    ['target', `${target.kind} ${target.name}: ${running}${desired} running`],
    ['deployed', data.deployed ? `${data.deployed.shortSha} ${style.dim(clip(data.deployed.subject, 60))} (${data.deployed.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}, ${data.deployed.by})` : style.dim('nothing deployed by opsctl yet')],
    ...(data.drift.mixed ? [['running', style.bold(style.red(`${data.drift.message!}: the record is not what runs (opsctl deploy or opsctl rollback puts them together)`))] as const] : []),
    ['source', release],
    ['lock', lock],
    ...(data.backup ? [['backup', renderLastBackup(data.backup, style)] as const] : []),
  ]);
  const parts = [header];
  if (target.instances.length > 0) parts.push(renderInstances(target, style));
  if (target.instances.some((i) => i.restartsSince === 'lifetime')) {
    parts.push(style.dim("restarts: pm2's counts over the app's life (lifetime), as opsctl recorded none at a switch to the release these instances run (started or reloaded by hand, or under another pm2 daemon); the next deploy counts from its switch."));
  }
  for (const note of target.notes) parts.push(style.yellow(note));
  parts.push(data.history.length > 0 ? renderHistory(data.history, style) : style.dim('No operations recorded yet.'));
  return parts.join('\n\n');
}

function renderInstances(target: TargetStatus, style: Style): string {
  const withNode = target.instances.some((i) => i.node);
  const withService = target.kind === 'compose';
  const withRelease = target.instances.some((i) => i.release);
  const head = [...(withService ? ['service'] : []), 'name', 'state', 'restarts', 'cpu', 'memory', 'uptime', ...(withRelease ? ['release'] : []), target.kind === 'pm2' ? 'version' : 'image', ...(withNode ? ['node'] : [])];
  const rows = target.instances.map((i) => [
    ...(withService ? [i.service === target.service ? style.bold(i.service ?? '-') : (i.service ?? '-')] : []),
    i.name,
    paintState(style, i.state) + (i.message ? style.dim(` ${i.message}`) : ''),
    i.restarts > 0 ? style.yellow(String(i.restarts)) : '0',
    i.cpuPercent === undefined ? '-' : `${i.cpuPercent.toFixed(1)}%`,
    formatBytes(i.memoryBytes),
    i.uptimeMs === undefined ? '-' : formatDuration(i.uptimeMs),
    ...(withRelease ? [i.release?.slice(0, 7) ?? '-'] : []),
    (target.kind === 'pm2' ? i.version : i.image) ?? '-',
    ...(withNode ? [i.node ?? '-'] : []),
  ]);
  return renderTable(style, head, rows);
}

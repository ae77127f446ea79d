import { formatDuration } from '../config/duration.js';
import type { Style } from '../output/style.js';
import { clip, renderTable } from '../output/table.js';
import { succeeded, type DeployResult } from './result.js';

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 7) : 'none');

/** One line saying what happened, in the words of the operation. */
export function headline(result: DeployResult): string {
  const error = result.error?.replace(/\.+$/, '') ?? null;
  const rollbackError = result.rollback?.error?.replace(/\.+$/, '') ?? null;
  const release = result.release ? `${result.release.shortSha} (${clip(result.release.subject, 60)})` : 'the release';
  const where = `${result.environment} (${result.target})`;
  const took = formatDuration(result.durationMs);
  const verb = result.operation === 'deploy' ? 'Deployed' : 'Rolled back';
  switch (result.outcome) {
    case 'deployed':
    case 'rolled-back':
      if (result.operation === 'deploy' && result.outcome === 'rolled-back') {
        // The code only: a schema the release's migrations applied stays (see the hint).
        const schema = result.database?.migrated ? ` The database keeps the schema of ${short(result.release?.sha)}: its migrations were not undone.` : '';
        return `Release ${release} failed on ${where}: ${error}. Rolled back to ${short(result.rollback?.to)}, which passed the health gate.${schema}`;
      }
      return `${verb} ${release} to ${where} in ${took}; before: ${short(result.previous)}.`;
    case 'unchanged':
      return `${release} already runs on ${where}; nothing changed.`;
    case 'planned':
      return `Dry run: would ${result.operation === 'deploy' ? 'deploy' : 'roll back to'} ${release} on ${where}. Nothing was changed.`;
    case 'interrupted':
      return `${result.operation === 'deploy' ? 'Deploy of' : 'Rollback to'} ${release} on ${where} was interrupted after the switch (${error}).`;
    case 'rollback-failed':
      return `Release ${release} failed on ${where}: ${error}. The rollback to ${short(result.rollback?.to)} FAILED too: ${rollbackError}.`;
    default:
      return `${result.operation === 'deploy' ? 'Deploy of' : 'Rollback to'} ${release} on ${where} failed: ${error ?? 'see the steps'}.`;
  }
}

/** What to do by hand when opsctl could not leave a verified release running. */
export function manualSteps(result: DeployResult): string[] {
  if (result.outcome !== 'rollback-failed' && !(result.outcome === 'failed' && result.running !== result.previous)) return [];
  const env = `-e ${result.environment}`;
  return [
    `opsctl status ${env}                      # what runs now`,
    `opsctl logs ${env} --level error --since 15m   # why it fails`,
    ...(result.previous ? [`opsctl rollback ${env} --to ${short(result.previous)} --force   # try the release that ran before again`] : []),
  ];
}

export function renderDeploy(result: DeployResult, style: Style): string {
  const ok = succeeded(result);
  const mark = ok ? style.green('✔') : style.red('✖');
  const lines = [`${mark} ${result.outcome === 'rollback-failed' ? style.bold(style.red(headline(result))) : headline(result)}`];
  if (result.hint && !ok) lines.push(style.dim(result.hint));
  if (result.steps.length > 0) {
    const rows = result.steps.map((s) => [s.name, s.status, s.status === 'skipped' || s.status === 'planned' ? '' : formatDuration(s.durationMs), s.detail ?? '']);
    lines.push(renderTable(style, ['step', 'result', 'took', 'detail'], rows));
  }
  if (result.lastLines.length > 0) {
    lines.push(style.bold(`Last lines of ${result.release?.shortSha ?? 'the release'} since the switch (stderr and errors):`), ...result.lastLines.map((l) => `  ${style.dim(l)}`));
  }
  const manual = manualSteps(result);
  if (manual.length > 0) lines.push(style.bold('Do this by hand now:'), ...manual.map((m) => `  ${m}`));
  return lines.join('\n');
}

/** A short markdown block for GitHub Actions' job summary (GITHUB_STEP_SUMMARY). */
export function stepSummaryMarkdown(result: DeployResult): string {
  const rows = result.steps.map((s) => `| ${s.name} | ${s.status} | ${formatDuration(s.durationMs)} | ${(s.detail ?? '').replace(/\|/g, '\\|')} |`);
  return [
    `### opsctl ${result.operation} ${result.environment}: ${result.outcome}`,
    '',
    headline(result),
    '',
    '| step | result | took | detail |',
    '|---|---|---|---|',
    ...rows,
    ...manualSteps(result).map((m, i) => `${i === 0 ? '\n**Do this by hand now:**\n\n' : ''}- \`${m.split('  #')[0]!.trim()}\``),
    '',
  ].join('\n');
}

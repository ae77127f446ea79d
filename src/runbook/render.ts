import { formatDuration } from '../config/duration.js';
import type { Style } from '../output/style.js';
import { renderPairs, renderTable } from '../output/table.js';
import type { DescribedRunbook, RunbookData } from './report.js';
import type { StepReport } from './step-report.js';

type Of<A extends RunbookData['action']> = Extract<RunbookData, { action: A }>;

export function renderList(data: Of<'list'>, style: Style): string {
  if (data.runbooks.length === 0) return style.dim('No runbooks.');
  const rows = data.runbooks.map((b) => [b.name, b.source, String(b.steps), b.description]);
  const where = data.userDir ? `yours in ${data.userDir}` : 'set runbooks: <folder> in opsctl.yaml to add yours';
  return [renderTable(style, ['runbook', 'source', 'steps', 'description'], rows), style.dim(`Shipped in ${data.shippedDir}; ${where}.`)].join('\n');
}

export function renderShow(book: DescribedRunbook, style: Style): string {
  const params = Object.entries(book.params).map(([k, v]) => `${k}=${v}`).join(', ');
  const head = renderPairs(style, [
    ['runbook', style.bold(book.name)],
    ['description', book.description],
    ['file', `${book.file} (${book.source})`],
    ...(params ? [['params', `${params}   (change with --param name=value)`] as const] : []),
  ]);
  const steps = book.stepList.map((s) => {
    const flags = [
      s.confirm !== false ? 'asks first' : '',
      s.continueOnError ? 'may fail' : '',
      s.exitCodes.join(',') !== '0' ? `passes on exit ${s.exitCodes.join(', ')}` : '',
      s.timeout ? `timeout ${s.timeout}` : '',
    ].filter(Boolean);
    const what = s.of === null ? `$ ${s.argv.join(' ')}` : `checks the result of step ${s.of} (${book.stepList[s.of - 1]!.name})`;
    const lines = [`${style.bold(`${s.step}. ${s.name}`)}${flags.length ? style.dim(` (${flags.join(', ')})`) : ''}`, `   ${what}`];
    if (s.description) lines.push(style.dim(`   ${s.description}`));
    for (const check of s.checks) lines.push(`   check: ${check}`);
    return lines.join('\n');
  });
  return [head, '', ...steps].join('\n');
}

const PAINT: Record<StepReport['result'], keyof Pick<Style, 'green' | 'yellow' | 'red' | 'dim'>> = {
  passed: 'green',
  warning: 'yellow',
  failed: 'red',
  declined: 'red',
  skipped: 'dim',
  planned: 'dim',
};

export function renderRun(data: Of<'run'>, style: Style): string {
  const rows = data.steps.map((s) => [String(s.step), s.name, style[PAINT[s.result]](resultText(s)), s.exitCode === null ? '-' : String(s.exitCode), s.durationMs === null ? '-' : formatDuration(s.durationMs), note(s)]);
  const table = renderTable(style, ['#', 'step', 'result', 'exit', 'took', 'note'], rows);
  const paint = data.result === 'passed' || data.result === 'planned' ? style.green : data.result === 'warning' ? style.yellow : style.red;
  const verdict = data.dryRun ? 'dry run, nothing was run' : `${data.result} in ${formatDuration(data.durationMs)}`;
  return [table, `Runbook ${style.bold(data.runbook.name)} on ${data.environment}: ${paint(verdict)}`].join('\n');
}

function resultText(s: StepReport): string {
  return s.result === 'failed' && s.continueOnError ? 'failed (went on)' : s.result;
}

function note(s: StepReport): string {
  if (s.result === 'planned') return s.kind === 'check' ? 'checks an earlier step\'s result' : s.argv.join(' ');
  const failed = s.checks.filter((c) => !c.ok);
  if (failed.length > 0) return failed.map((c) => c.detail).join('; ');
  if (s.error) return s.error.message.split('\n')[0]!;
  return s.checks.map((c) => c.detail).join('; ');
}

import type { Context } from '../context.js';
import type { Style } from '../output/style.js';
import type { PlannedStep } from './plan.js';
import type { StepReport } from './step-report.js';

type Render = (data: never, style: Style) => string;

/**
 * Without --json, each opsctl step's result is shown as that command shows it (its table), rendered
 * here from the step's JSON by the command's own render: one source of data, so the two cannot drift.
 */
export function showStepOutput(ctx: Context): ((report: StepReport, planned: PlannedStep) => Promise<void>) | undefined {
  if (ctx.json) return undefined;
  return async (report, planned) => {
    const text = await renderOutput(ctx, report, planned);
    if (text) await ctx.out(`${ctx.outStyle.bold(`── ${report.step}. ${report.name}`)}\n${text}\n\n`);
  };
}

async function renderOutput(ctx: Context, report: StepReport, planned: PlannedStep): Promise<string> {
  const { output } = report;
  // A failed step's result still shows (an unhealthy health-check's table); an {"error": ...} document is in the step's line.
  if (output === null || output === undefined || !planned.step.show || isErrorDocument(output)) return '';
  if (planned.kind === 'run') return typeof output === 'string' ? output : JSON.stringify(output, null, 2);
  // logs --json: one record per line, shown as such.
  if (Array.isArray(output)) return output.map((record) => JSON.stringify(record)).join('\n');
  const name = planned.step.opsctl!.find((arg) => !arg.startsWith('-'));
  // Through cli/'s static loaders: a computed import path would be an empty glob in the single
  // executable's bundle (esbuild cannot see which files it means), and every step would show raw JSON.
  const render = name ? ((await ctx.loadCommand(name))?.render as Render | undefined) : undefined;
  const text = render ? render(output as never, ctx.outStyle) : '';
  return text || JSON.stringify(output);
}

function isErrorDocument(output: unknown): boolean {
  return typeof output === 'object' && output !== null && !Array.isArray(output) && Object.keys(output).length === 1 && 'error' in output;
}

import type { Context } from '../context.js';
import { redact } from '../process/redact.js';
import { stepSummaryMarkdown } from './render.js';
import type { DeployResult } from './result.js';

/** In GitHub Actions, appends the result to the job summary; a summary that cannot be written is only a warning. */
export async function writeStepSummary(ctx: Pick<Context, 'env' | 'effects' | 'log'>, result: DeployResult): Promise<void> {
  const file = ctx.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    await ctx.effects.apply({ kind: 'append', file, data: redact(stepSummaryMarkdown(result)) });
  } catch (error) {
    ctx.log.warn(`could not write GITHUB_STEP_SUMMARY (${file}): ${(error as Error).message}`);
  }
}

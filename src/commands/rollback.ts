import type { CommandResult, Context } from '../context.js';
import { createDriver } from '../targets/registry.js';
import { renderDeploy } from '../deploy/render.js';
import { exitCodeOf, type DeployResult } from '../deploy/result.js';
import { rollback } from '../deploy/rollback.js';
import { writeStepSummary } from '../deploy/step-summary.js';
import { UsageError } from '../errors.js';
import type { Style } from '../output/style.js';

export interface RollbackOptions {
  to?: string;
  force?: boolean;
  restoreDb?: boolean;
}

export async function run(ctx: Context, options: RollbackOptions, args: string[]): Promise<CommandResult<DeployResult>> {
  if (args.length > 0) throw new UsageError(`Unexpected argument "${args[0]}".`, 'Name the release with --to, e.g. opsctl rollback --to 3f2a9c1.');
  const env = ctx.environment();
  const result = await rollback(ctx, env, { to: options.to, force: Boolean(options.force), restoreDb: Boolean(options.restoreDb) }, createDriver);
  await writeStepSummary(ctx, result);
  return { data: result, exitCode: exitCodeOf(result, ctx.signal) };
}

export function render(data: DeployResult, style: Style): string {
  return renderDeploy(data, style);
}

import type { CommandResult, Context } from '../context.js';
import { deploy } from '../deploy/deploy.js';
import { createDriver } from '../targets/registry.js';
import { renderDeploy } from '../deploy/render.js';
import { exitCodeOf, type DeployResult } from '../deploy/result.js';
import { writeStepSummary } from '../deploy/step-summary.js';
import { UsageError } from '../errors.js';
import type { Style } from '../output/style.js';

export interface DeployOptions {
  ref?: string;
  force?: boolean;
  skipTests?: boolean;
  /** commander's --no-rollback. */
  rollback?: boolean;
}

export async function run(ctx: Context, options: DeployOptions, args: string[]): Promise<CommandResult<DeployResult>> {
  if (args.length > 0) throw new UsageError(`Unexpected argument "${args[0]}".`, 'Name the ref with --ref, e.g. opsctl deploy --ref v1.4.2.');
  const env = ctx.environment();
  const request = { ref: options.ref, force: Boolean(options.force), skipTests: Boolean(options.skipTests), autoRollback: options.rollback !== false };
  const result = await deploy(ctx, env, request, createDriver);
  await writeStepSummary(ctx, result);
  return { data: result, exitCode: exitCodeOf(result, ctx.signal) };
}

export function render(data: DeployResult, style: Style): string {
  return renderDeploy(data, style);
}

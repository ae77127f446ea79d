import type { CommandResult, Context } from '../context.js';
import { createDriver } from '../targets/registry.js';
import { parseReplicas, scale, type ScaleResult } from '../deploy/scale.js';
import { UsageError } from '../errors.js';
import type { Style } from '../output/style.js';

export async function run(ctx: Context, _options: Record<string, never>, args: string[]): Promise<CommandResult<ScaleResult>> {
  const [count, extra] = args;
  if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}".`, 'scale takes one number: opsctl scale 3.');
  const env = ctx.environment();
  return { data: await scale(ctx, env, parseReplicas(count, env), createDriver) };
}

export function render(data: ScaleResult, style: Style): string {
  if (data.dryRun) return style.dim(`Dry run: would scale ${data.target} on ${data.environment} from ${data.from ?? '?'} to ${data.to}. Nothing was changed.`);
  return `${style.green('✔')} ${data.target} on ${data.environment}: ${data.from ?? '?'} -> ${data.to} running.`;
}

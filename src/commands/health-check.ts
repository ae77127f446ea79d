import type { CommandResult, Context } from '../context.js';
import { planProbes, runProbes } from '../health/check.js';
import { parseList } from '../health/only.js';
import { renderHealthReport } from '../health/render.js';
import { exitCodeFor, type HealthReport } from '../health/types.js';
import { UsageError } from '../errors.js';
import type { Style } from '../output/style.js';

export interface HealthCheckOptions {
  only?: string;
}

export async function run(ctx: Context, options: HealthCheckOptions): Promise<CommandResult<HealthReport>> {
  const env = ctx.environment();
  const probes = planProbes(env, { runner: ctx.runner, now: ctx.now }, parseList(options.only));
  if (probes.length === 0) {
    throw new UsageError(`Environment ${env.name} has no probes.`, 'Add health.endpoints or health.databases to opsctl.yaml (host probes are off with health.host: false).');
  }
  const report = await runProbes(env.name, probes, { signal: ctx.signal, now: ctx.now });
  for (const probe of report.probes) {
    if (probe.state === 'unknown' && typeof probe.details?.hint === 'string') ctx.log.warn(`${probe.name}: ${probe.reason}. ${probe.details.hint}`);
  }
  return { data: report, exitCode: exitCodeFor(report.state) };
}

export function render(report: HealthReport, style: Style): string {
  return renderHealthReport(report, style);
}

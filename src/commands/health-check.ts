import type { CommandResult, Context } from '../context.js';
import { planProbes, runProbes } from '../health/check.js';
import { exitCodeFor, type HealthReport, type ProbeResult } from '../health/types.js';
import { UsageError } from '../errors.js';
import { paintState, type Style } from '../output/style.js';
import { renderTable } from '../output/table.js';

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

export function parseList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((word) => word.trim())
    .filter(Boolean);
}

export function render(report: HealthReport, style: Style): string {
  const table = renderProbes(report.probes, style);
  const counts = countStates(report.probes);
  const summary = `${style.bold(report.environment)}: ${paintState(style, report.state)} ${style.dim(`(${counts}; ${report.durationMs} ms)`)}`;
  return `${table}\n\n${summary}`;
}

export function renderProbes(probes: readonly ProbeResult[], style: Style): string {
  const rows = probes.map((p) => [p.name, p.kind, paintState(style, p.state), formatValue(p), p.state === 'healthy' ? style.dim(p.reason) : p.reason]);
  return renderTable(style, ['probe', 'kind', 'state', 'value', 'detail'], rows);
}

function formatValue(probe: ProbeResult): string {
  if (probe.value === undefined) return '-';
  return probe.unit === '%' ? `${probe.value}%` : `${probe.value} ${probe.unit ?? ''}`.trim();
}

function countStates(probes: readonly ProbeResult[]): string {
  const order = ['healthy', 'degraded', 'unknown', 'unhealthy'] as const;
  return order
    .map((state) => [state, probes.filter((p) => p.state === state).length] as const)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
}

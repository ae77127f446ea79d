import { paintState, type Style } from '../output/style.js';
import { renderTable } from '../output/table.js';
import type { HealthReport, ProbeResult } from './types.js';

/** health-check's output: the probe table and a summary line. */
export function renderHealthReport(report: HealthReport, style: Style): string {
  const table = renderProbes(report.probes, style);
  const counts = countStates(report.probes);
  const summary = `${style.bold(report.environment)}: ${paintState(style, report.state)} ${style.dim(`(${counts}; ${report.durationMs} ms)`)}`;
  return `${table}\n\n${summary}`;
}

/** One row a probe: health-check's table, and monitor's under its last round. */
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

import type { MetricsProbeConfig } from '../config/schema.js';
import { describeFailure, request, type Attempt, type RequestSpec } from './http.js';
import { parsePrometheusText, selectSamples, type Sample, type Selector } from './prometheus-text.js';
import { worst, type HealthState } from './types.js';

export interface SeriesRule {
  key: string;
  selector: Selector;
  threshold: MetricsProbeConfig['series'][string];
}

export type MetricsProbe = Omit<RequestSpec, 'method' | 'body'> & { rules: SeriesRule[] };

interface Judged {
  state: HealthState;
  reason: string;
}

/** Reads a Prometheus /metrics page and holds each configured series to its thresholds. Never throws. */
export async function probeMetrics(probe: MetricsProbe, signal: AbortSignal): Promise<Attempt> {
  const target = probe.url;
  let text: string;
  let status: number;
  try {
    const response = await request({ ...probe, method: 'GET' }, signal);
    status = response.status;
    text = response.body.toString('utf8');
  } catch (error) {
    return { kind: 'metrics', target, state: 'unhealthy', reason: describeFailure(error, probe, signal) };
  }
  if (status < 200 || status >= 300) return { kind: 'metrics', target, state: 'unhealthy', reason: `HTTP ${status}, expected 2xx`, details: { status } };
  const { samples } = parsePrometheusText(text);
  const values: Record<string, number[]> = {};
  const judged = probe.rules.map((rule) => {
    const found = selectSamples(samples, rule.selector);
    values[rule.key] = found.map((s) => s.value);
    return judgeSeries(rule, found);
  });
  const state = worst(judged.map((j) => j.state));
  const reasons = judged.filter((j) => j.state === state).map((j) => j.reason);
  return { kind: 'metrics', target, state, reason: reasons.join('; '), details: { status, series: values } };
}

/** Every matching sample is held to the threshold (several label sets: the worst one counts); none at all is down. */
export function judgeSeries(rule: SeriesRule, samples: readonly Sample[]): Judged {
  if (samples.length === 0) return { state: 'unhealthy', reason: `${rule.key}: no such series` };
  const { warn, crit, below } = rule.threshold;
  const beyond = (value: number, limit: number | undefined) => limit !== undefined && (below ? value < limit : value > limit);
  const verdicts = samples.map((sample): Judged => {
    const shown = `${rule.key} ${formatNumber(sample.value)}`;
    if (Number.isNaN(sample.value)) return { state: 'degraded', reason: `${shown} (no value)` };
    if (beyond(sample.value, crit)) return { state: 'unhealthy', reason: `${shown} (critical ${below ? 'below' : 'above'} ${crit})` };
    if (beyond(sample.value, warn)) return { state: 'degraded', reason: `${shown} (warning ${below ? 'below' : 'above'} ${warn})` };
    return { state: 'healthy', reason: shown };
  });
  const state = worst(verdicts.map((v) => v.state));
  return verdicts.find((v) => v.state === state)!;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

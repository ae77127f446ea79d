import { parseDuration } from '../config/duration.js';
import { requireResolved } from '../config/interpolate.js';
import type { SelectedEnvironment } from '../config/select.js';
import { ConfigError } from '../errors.js';
import { registerSecret } from '../process/redact.js';
import type { Attempt } from './http.js';
import type { ProbeKind } from './types.js';
import { probeDns, serverProblem } from './dns.js';
import { probeMetrics, type SeriesRule } from './metrics.js';
import { parseSelector } from './prometheus-text.js';
import { probeTcp } from './tcp.js';

/** A probe not yet prepared: reading its URL, headers and CA file waits until it is selected (check.ts's PlannedProbe once built). */
export interface ProbeSpec {
  name: string;
  kind: ProbeKind;
  build(): { name: string; kind: ProbeKind; retries: number; attempt(signal: AbortSignal): Promise<Attempt> };
}

/** Header names whose value is a credential even when written in the config itself. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token)$/i;

/**
 * The headers with ${VAR} resolved. A value from a variable (and any credential header) is registered
 * as a secret, so it is masked in output, --json, the journal and --verbose alike.
 */
export function resolveHeaders(headers: Record<string, string> | undefined, key: string, envFile: string): Record<string, string> | undefined {
  if (!headers) return undefined;
  return Object.fromEntries(
    Object.entries(headers).map(([name, template]) => {
      const value = requireResolved(template, `${key}.headers.${name}`, envFile);
      if (template.includes('${') || SECRET_HEADER.test(name)) {
        registerSecret(value);
        // "Bearer <token>": the token alone is masked too, wherever it appears.
        for (const word of value.split(/\s+/)) if (!template.includes(word)) registerSecret(word);
      }
      return [name, value];
    }),
  );
}

function timeoutOf(timeout: string | undefined, fallback: number): number {
  return timeout ? parseDuration(timeout)! : fallback;
}

/** health.metrics, health.tcp and health.dns, each prepared only when selected. */
export function networkProbes(env: SelectedEnvironment, defaultTimeout: number): ProbeSpec[] {
  const { health } = env.config;
  const metrics = health.metrics.map((probe, index): ProbeSpec => ({
    name: probe.name,
    kind: 'metrics',
    build: () => {
      const key = `health.metrics[${index}]`;
      const url = requireResolved(probe.url, `${key}.url`, env.envFile);
      if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new ConfigError(`${key}.url is not an http:// or https:// URL.`, 'Write the full URL of the metrics page, such as http://localhost:9100/metrics.');
      const rules = Object.entries(probe.series).map(([series, threshold]): SeriesRule => {
        const selector = parseSelector(series);
        if (!selector) throw new ConfigError(`${key}.series: "${series}" is not a series name with optional labels.`, 'Write it as Prometheus does: cache_hit_rate or http_requests_total{code="500"}.');
        return { key: series, selector, threshold };
      });
      const headers = resolveHeaders(probe.headers, key, env.envFile);
      const spec = { url, ...(headers ? { headers } : {}), timeoutMs: timeoutOf(probe.timeout, defaultTimeout), rules };
      return { name: probe.name, kind: 'metrics', retries: probe.retries ?? health.retries, attempt: (signal) => probeMetrics(spec, signal) };
    },
  }));
  const tcp = health.tcp.map((probe): ProbeSpec => ({
    name: probe.name,
    kind: 'tcp',
    build: () => {
      const spec = { ...probe, timeoutMs: timeoutOf(probe.timeout, defaultTimeout) };
      return { name: probe.name, kind: 'tcp', retries: probe.retries ?? health.retries, attempt: (signal) => probeTcp(spec, signal) };
    },
  }));
  const dns = health.dns.map((probe, index): ProbeSpec => ({
    name: probe.name,
    kind: 'dns',
    build: () => {
      const problem = probe.server === undefined ? undefined : serverProblem(probe.server);
      if (problem) throw new ConfigError(`health.dns[${index}].server: ${problem}.`, 'Write the server as 10.0.0.2, 127.0.0.1:5353 or [::1]:5353.');
      const spec = { ...probe, timeoutMs: timeoutOf(probe.timeout, defaultTimeout) };
      return { name: probe.name, kind: 'dns', retries: probe.retries ?? health.retries, attempt: (signal) => probeDns(spec, signal) };
    },
  }));
  return [...metrics, ...tcp, ...dns];
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDuration } from '../config/duration.js';
import { requireResolved } from '../config/interpolate.js';
import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import { ConfigError, UsageError } from '../errors.js';
import { delay } from '../process/delay.js';
import { redact } from '../process/redact.js';
import type { Runner } from '../process/runner.js';
import { isDatabaseKind } from '../databases/kinds.js';
import { freshnessProbes } from './backup-freshness.js';
import { databaseProbe, probeDatabase } from './database.js';
import { HOST_DEFAULTS, probeDisk, probeLoad, probeMemory } from './host.js';
import { probeHttp, type Attempt } from './http.js';
import { networkProbes, resolveHeaders, type ProbeSpec } from './plan-network.js';
import { worst, type HealthReport, type ProbeKind, type ProbeResult } from './types.js';

/** Pause between two attempts of a failing probe. */
const RETRY_DELAY_MS = 500;

export interface PlannedProbe {
  name: string;
  kind: ProbeKind;
  /** Attempts before an unhealthy answer counts (health.retries); measurements of the host are taken once. */
  retries: number;
  attempt(signal: AbortSignal): Promise<Attempt>;
}

export interface ProbeDeps {
  runner: Runner;
  now: () => number;
}

/**
 * The probes of an environment (its endpoints, the databases under health.databases, then the host),
 * or those `only` names. Only the chosen ones are prepared, so `--only host` works while an endpoint's
 * ${VAR} is unset; a chosen probe's config problem is a ConfigError before anything runs.
 */
export function planProbes(env: SelectedEnvironment, deps: ProbeDeps, only?: readonly string[]): PlannedProbe[] {
  const { health } = env.config;
  const defaultTimeout = parseDuration(health.timeout)!;
  const endpoints = health.endpoints.map((endpoint, index): ProbeSpec => ({
    name: endpoint.name,
    kind: 'http',
    build: () => {
      const key = `health.endpoints[${index}]`;
      const url = requireResolved(endpoint.url, `${key}.url`, env.envFile);
      if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
        throw new ConfigError(`${key}.url: ${redact(url)} is not an http:// or https:// URL.`, 'Write the full URL, such as http://localhost:8080/api/health.');
      }
      const headers = resolveHeaders(endpoint.headers, key, env.envFile);
      const ca = endpoint.ca === undefined ? undefined : readCa(resolveFrom(env, endpoint.ca), `${key}.ca`);
      const probe = { ...endpoint, url, ...(headers ? { headers } : {}), ...(ca ? { ca } : {}), timeoutMs: endpoint.timeout ? parseDuration(endpoint.timeout)! : defaultTimeout };
      return { name: endpoint.name, kind: 'http', retries: endpoint.retries ?? health.retries, attempt: (signal) => probeHttp(probe, signal, deps.now) };
    },
  }));
  const databases = health.databases.map((name): ProbeSpec => {
    const db = env.config.databases[name]!;
    return {
      name,
      kind: db.type,
      build: () => {
        const url = requireResolved(db.url, `databases.${name}.url`, env.envFile);
        const probe = databaseProbe(name, { ...db, url }, defaultTimeout);
        return { name, kind: db.type, retries: health.retries, attempt: () => probeDatabase(probe, db.type, deps.runner, defaultTimeout) };
      },
    };
  });
  const host = [...hostProbes(env), ...freshnessProbes(env, deps)].map((probe): ProbeSpec => ({ name: probe.name, kind: probe.kind, build: () => probe }));
  return selectProbes([...endpoints, ...networkProbes(env, defaultTimeout), ...databases, ...host], only).map((spec) => spec.build());
}

/** The name of every probe the environment defines, selected or not. */
export function probeNames(env: SelectedEnvironment): Set<string> {
  const { health } = env.config;
  const network = [...health.metrics, ...health.tcp, ...health.dns].map((p) => p.name);
  const backups = health.backups && env.config.backup ? ['backup:local', ...(env.config.backup.remotes ?? []).map((r) => `backup:${r.name}`)] : [];
  return new Set([...health.endpoints.map((e) => e.name), ...network, ...health.databases, ...hostProbes(env).map((p) => p.name), ...backups]);
}

function hostProbes(env: SelectedEnvironment): PlannedProbe[] {
  const host = env.config.health.host;
  if (host === false) return [];
  const probes: PlannedProbe[] = [];
  const once = (name: string, kind: ProbeKind, measure: () => Promise<Omit<ProbeResult, 'attempts' | 'durationMs'>> | Omit<ProbeResult, 'attempts' | 'durationMs'>): PlannedProbe => ({
    name,
    kind,
    retries: 1,
    attempt: async () => {
      const { name: _name, ...rest } = await measure();
      return rest;
    },
  });
  if (host?.disk !== false) {
    const limits = { warn: host?.disk?.warn ?? HOST_DEFAULTS.disk.warn, crit: host?.disk?.crit ?? HOST_DEFAULTS.disk.crit };
    const configured = host?.disk?.paths ?? [env.config.stateDir, ...(env.config.backup ? [env.config.backup.dir] : [])];
    const seen = new Set<string>();
    for (const p of configured) {
      const dir = resolveFrom(env, p);
      if (seen.has(dir)) continue;
      seen.add(dir);
      const name = `disk:${path.isAbsolute(p) ? p : path.normalize(p)}`;
      probes.push(once(name, 'disk', () => probeDisk(name, dir, limits)));
    }
  }
  if (host?.memory !== false) probes.push(once('memory', 'memory', () => probeMemory(host?.memory || HOST_DEFAULTS.memory)));
  if (host?.load !== false) probes.push(once('load', 'load', () => probeLoad(host?.load || HOST_DEFAULTS.load)));
  return probes;
}

function readCa(file: string, key: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${key}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, 'Point it at the PEM file of the CA that signed the endpoint certificate.');
  }
}

/**
 * `--only api,main`: probes by name; `disk` also picks every `disk:<path>`; the group words
 * `endpoints`, `databases` and `host` pick whole groups.
 */
export function selectProbes<P extends Pick<PlannedProbe, 'name' | 'kind'>>(probes: readonly P[], only: readonly string[] | undefined): P[] {
  if (!only || only.length === 0) return [...probes];
  const groups: Record<string, (p: P) => boolean> = {
    endpoints: (p) => ['http', 'metrics', 'tcp', 'dns'].includes(p.kind),
    databases: (p) => isDatabaseKind(p.kind),
    host: (p) => ['disk', 'memory', 'load'].includes(p.kind),
    backups: (p) => p.kind === 'backup',
  };
  const unknown = only.filter((word) => !groups[word] && !probes.some((p) => matches(p, word)));
  if (unknown.length > 0) {
    const names = probes.map((p) => p.name);
    throw new UsageError(`--only: no probe named ${unknown.map((u) => `"${u}"`).join(', ')}.`, `Probes of this environment: ${names.join(', ') || 'none'} (or the groups endpoints, databases, host).`);
  }
  const chosen = probes.filter((p) => only.some((word) => groups[word]?.(p) ?? matches(p, word)));
  if (chosen.length === 0) {
    throw new UsageError(`--only ${only.join(',')}: this environment has no such probe.`, `Probes of this environment: ${probes.map((p) => p.name).join(', ') || 'none'}.`);
  }
  return chosen;
}

function matches(probe: Pick<PlannedProbe, 'name' | 'kind'>, word: string): boolean {
  return probe.name === word || (probe.kind === 'disk' && word === 'disk');
}

/** Runs every probe at once, each with its own retries: the whole check takes as long as the slowest probe. */
export async function runProbes(environment: string, probes: readonly PlannedProbe[], options: { signal: AbortSignal; now: () => number }): Promise<HealthReport> {
  const started = performance.now();
  const checkedAt = new Date(options.now()).toISOString();
  const results = await Promise.all(probes.map((probe) => runWithRetries(probe, options.signal)));
  return {
    environment,
    state: worst(results.map((r) => r.state)),
    checkedAt,
    durationMs: Math.round(performance.now() - started),
    probes: results,
  };
}

async function runWithRetries(probe: PlannedProbe, signal: AbortSignal): Promise<ProbeResult> {
  const started = performance.now();
  let attempts = 0;
  let last: Attempt;
  do {
    if (attempts > 0 && !(await delay(RETRY_DELAY_MS, signal))) throw signal.reason;
    attempts += 1;
    last = await probe.attempt(signal).catch((error: unknown): Attempt => {
      if (signal.aborted) throw signal.reason;
      // A probe that breaks (a disk path we may not read, a bug) is reported as such, never the end of the check or of a monitor.
      return { kind: probe.kind, target: '', state: 'unhealthy', reason: `probe failed: ${error instanceof Error ? error.message : String(error)}` };
    });
    if (signal.aborted) throw signal.reason;
  } while (last.state === 'unhealthy' && attempts < probe.retries);
  const reason = last.state === 'unhealthy' && attempts > 1 ? `${last.reason} (${attempts} attempts)` : last.reason;
  return { name: probe.name, ...last, reason, attempts, durationMs: Math.round(performance.now() - started) };
}

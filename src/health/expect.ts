import { checkBounds, describeBounds, isBounds } from './json-bounds.js';
import { worst, type HealthState, type Verdict } from './types.js';

/**
 * `expect.json` as dot paths: `{ status: healthy, "checks.database.status": up }`; nested objects are
 * flattened the same way, so `{ checks: { database: { status: up } } }` means the same. Array items by index: `checks.0.status`.
 */
export function checkJsonExpectations(body: unknown, expected: Record<string, unknown>): Verdict {
  const verdicts: Verdict[] = [];
  for (const [path, want] of flatten(expected)) {
    const got = valueAt(body, path);
    if (got === undefined) return { state: 'unhealthy', reason: `${path} is missing, expected ${isBounds(want) ? describeBounds(want) : show(want)}` };
    if (isBounds(want)) verdicts.push(checkBounds(path, got, want));
    else if (!sameValue(got, want)) return { state: 'unhealthy', reason: `${path} is ${show(got)}, expected ${show(want)}` };
  }
  const state = worst(verdicts.map((v) => v.state));
  return { state, ...(state === 'healthy' ? {} : { reason: verdicts.filter((v) => v.state === state).map((v) => v.reason).join('; ') }) };
}

function flatten(expected: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(expected).flatMap(([key, value]): [string, unknown][] => {
    const path = prefix ? `${prefix}.${key}` : key;
    // An empty map (`checks: {}`) asks only that an object is there.
    return isPlainObject(value) && Object.keys(value).length > 0 && !isBounds(value) ? flatten(value, path) : [[path, value]];
  });
}

export function valueAt(body: unknown, path: string): unknown {
  let current: unknown = body;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function sameValue(got: unknown, want: unknown): boolean {
  if (isPlainObject(want)) return isPlainObject(got);
  if (Array.isArray(want)) return JSON.stringify(got) === JSON.stringify(want);
  return got === want;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// draft-inadarei-api-health-check: pass/warn/fail, with "ok"/"up" and "error"/"down" as synonyms.
const HEALTH_STATUS: Record<string, HealthState> = { pass: 'healthy', ok: 'healthy', up: 'healthy', warn: 'degraded', fail: 'unhealthy', error: 'unhealthy', down: 'unhealthy' };

export function isHealthJson(contentType: string | undefined): boolean {
  return /^application\/health\+json\b/i.test(contentType ?? '');
}

export interface HealthJsonCheck {
  name: string;
  status: string;
  observedValue?: unknown;
  observedUnit?: string;
  output?: string;
}

/** Reads an application/health+json body: its status, and the checks that are not passing, named. */
export function readHealthJson(body: unknown): Verdict & { checks: HealthJsonCheck[] } {
  if (!isPlainObject(body) || typeof body.status !== 'string') {
    return { state: 'unhealthy', reason: 'health+json body has no "status"', checks: [] };
  }
  const overall = HEALTH_STATUS[body.status.toLowerCase()];
  // The older draft (and maikai) names them details, with metricValue/metricUnit.
  const checks = listChecks(body.checks ?? body.details);
  const failing = checks.filter((c) => HEALTH_STATUS[c.status.toLowerCase()] !== 'healthy');
  const state = worst([overall ?? 'unhealthy', ...failing.map((c) => HEALTH_STATUS[c.status.toLowerCase()] ?? 'unhealthy')]);
  if (state === 'healthy') return { state, checks };
  const said = overall ? `status ${body.status}` : `unknown status ${JSON.stringify(body.status)}`;
  const detail = failing.map(describeCheck).join(', ');
  const output = typeof body.output === 'string' && body.output ? `: ${body.output}` : '';
  return { state, reason: detail ? `${said} (${detail})` : `${said}${output}`, checks };
}

function listChecks(checks: unknown): HealthJsonCheck[] {
  if (!isPlainObject(checks)) return [];
  return Object.entries(checks).flatMap(([name, entries]) =>
    (Array.isArray(entries) ? entries : [entries]).filter(isPlainObject).map((entry) => ({
      name: typeof entry.componentId === 'string' && !name.includes(entry.componentId) ? `${name} ${entry.componentId}` : name,
      status: typeof entry.status === 'string' ? entry.status : 'unknown',
      ...observed(entry),
      ...(typeof entry.output === 'string' && entry.output ? { output: entry.output } : {}),
    })),
  );
}

function observed(entry: Record<string, unknown>): Pick<HealthJsonCheck, 'observedValue' | 'observedUnit'> {
  const value = entry.observedValue ?? entry.metricValue;
  const unit = entry.observedUnit ?? entry.metricUnit;
  return { ...(value !== undefined ? { observedValue: value } : {}), ...(typeof unit === 'string' ? { observedUnit: unit } : {}) };
}

function describeCheck(check: HealthJsonCheck): string {
  const observed = check.observedValue === undefined ? '' : ` ${String(check.observedValue)}${check.observedUnit ? ` ${check.observedUnit}` : ''}`;
  const output = check.output ? `: ${check.output}` : '';
  return `${check.name} ${check.status}${observed}${output}`;
}

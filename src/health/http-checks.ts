import type { IncomingHttpHeaders } from 'node:http';
import type { EndpointConfig } from '../config/schema.js';
import { compileLinear } from '../process/linear-regex.js';
import { valueAt } from './expect.js';
import type { Verdict } from './types.js';

type HeaderExpectations = NonNullable<NonNullable<EndpointConfig['expect']>['headers']>;

/**
 * `expect.headers`, as the manuals check `curl -I | grep Strict-Transport` and a CORS preflight's
 * Access-Control-Allow-Origin: true (present), a string (equal), { match } (a regex, case-insensitive).
 */
export function checkHeaders(headers: IncomingHttpHeaders, expected: HeaderExpectations): Verdict {
  const problems: string[] = [];
  for (const [name, want] of Object.entries(expected)) {
    const raw = headers[name.toLowerCase()];
    const got = Array.isArray(raw) ? raw.join(', ') : raw;
    if (got === undefined) problems.push(`header ${name} is missing`);
    else if (typeof want === 'string' && got !== want) problems.push(`header ${name} is ${JSON.stringify(shorten(got))}, expected ${JSON.stringify(want)}`);
    else if (typeof want === 'object' && !compileLinear(want.match, true).test(got)) problems.push(`header ${name} ${JSON.stringify(shorten(got))} does not match /${want.match}/`);
  }
  return problems.length === 0 ? { state: 'healthy' } : { state: 'unhealthy', reason: problems.join('; ') };
}

/** `statusMap`: a 200 whose body says "degraded" (or "down") is judged by what it says. */
export function checkStatusMap(body: unknown, map: NonNullable<EndpointConfig['statusMap']>): Verdict {
  const said = valueAt(body, map.path);
  if (typeof said !== 'string') return { state: 'healthy' };
  const lower = said.toLowerCase();
  if (map.unhealthy.some((word) => word.toLowerCase() === lower)) return { state: 'unhealthy', reason: `${map.path} says ${JSON.stringify(said)}` };
  if (map.degraded.some((word) => word.toLowerCase() === lower)) return { state: 'degraded', reason: `${map.path} says ${JSON.stringify(said)}` };
  return { state: 'healthy' };
}

/** The request's own headers: JSON bodies are labelled as JSON unless the config says otherwise. */
export function requestHeaders(endpoint: Pick<EndpointConfig, 'headers' | 'body'>): Record<string, string> {
  const given = endpoint.headers ?? {};
  const hasType = Object.keys(given).some((key) => key.toLowerCase() === 'content-type');
  const json = endpoint.body !== undefined && /^\s*[[{]/.test(endpoint.body);
  return { ...(json && !hasType ? { 'content-type': 'application/json' } : {}), ...given };
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

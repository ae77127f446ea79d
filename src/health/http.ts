import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { EndpointConfig } from '../config/schema.js';
import { formatDuration } from '../config/duration.js';
import { withDeadline } from '../process/deadline.js';
import { loadLinearRegex } from '../process/linear-regex.js';
import { VERSION } from '../version.js';
import { checkJsonExpectations, isHealthJson, readHealthJson } from './expect.js';
import { checkHeaders, checkStatusMap, requestHeaders } from './http-checks.js';
import { byThreshold, worst, type ProbeResult, type Verdict } from './types.js';

/** Enough for any health document; a bigger body is not read further (and not held in memory). */
const MAX_BODY_BYTES = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export type HttpEndpoint = Omit<EndpointConfig, 'timeout' | 'ca' | 'retries'> & {
  timeoutMs: number;
  /** PEM text of the CA to trust, read from `ca`. */
  ca?: string;
};

export type Attempt = Omit<ProbeResult, 'name' | 'attempts' | 'durationMs'>;

/** What one request needs: the metrics probe sends the same kind. */
export type RequestSpec = Pick<HttpEndpoint, 'url' | 'method' | 'headers' | 'body' | 'ca' | 'timeoutMs'>;

export interface Response {
  status: number;
  contentType: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  elapsedMs: number;
  certValidTo?: Date;
}

/** One request: its status, response time, body expectations and certificate, judged. Never throws. */
export async function probeHttp(endpoint: HttpEndpoint, signal: AbortSignal, now: () => number = Date.now): Promise<Attempt> {
  const target = endpoint.url;
  let response: Response;
  try {
    response = await request(endpoint, signal);
  } catch (error) {
    return { kind: 'http', target, state: 'unhealthy', reason: describeFailure(error, endpoint, signal) };
  }
  const verdicts: Verdict[] = [checkStatus(response, endpoint), checkTime(response.elapsedMs, endpoint)];
  const details: Record<string, unknown> = { status: response.status };
  if (response.certValidTo) {
    const daysLeft = Math.floor((response.certValidTo.getTime() - now()) / DAY_MS);
    details.certDaysLeft = daysLeft;
    details.certValidTo = response.certValidTo.toISOString();
    if (daysLeft < endpoint.certWarnDays) verdicts.push({ state: 'degraded', reason: `certificate expires in ${daysLeft} days (${response.certValidTo.toISOString().slice(0, 10)})` });
  }
  if (endpoint.expect?.headers) {
    await loadLinearRegex();
    verdicts.push(checkHeaders(response.headers, endpoint.expect.headers));
  }
  verdicts.push(...checkBody(response, endpoint, details));
  const state = worst(verdicts.map((v) => v.state));
  const reasons = verdicts.filter((v) => v.state === state && v.reason).map((v) => v.reason);
  const summary = `HTTP ${response.status} in ${Math.round(response.elapsedMs)} ms`;
  return {
    kind: 'http',
    target,
    state,
    value: Math.round(response.elapsedMs),
    unit: 'ms',
    reason: state === 'healthy' ? summary : reasons.join('; '),
    details,
  };
}

function checkStatus(response: Response, endpoint: HttpEndpoint): Verdict {
  const wanted = endpoint.expect?.status;
  const ok = wanted === undefined ? response.status >= 200 && response.status < 300 : [wanted].flat().includes(response.status);
  if (ok) return { state: 'healthy' };
  const expected = wanted === undefined ? '2xx' : [wanted].flat().join(' or ');
  return { state: 'unhealthy', reason: `HTTP ${response.status}, expected ${expected}` };
}

function checkTime(elapsedMs: number, endpoint: HttpEndpoint): Verdict {
  const state = byThreshold(elapsedMs, endpoint.warnMs, endpoint.critMs);
  if (state === 'healthy') return { state };
  const limit = state === 'unhealthy' ? `critical above ${endpoint.critMs} ms` : `warning above ${endpoint.warnMs} ms`;
  return { state, reason: `slow: ${Math.round(elapsedMs)} ms (${limit})` };
}

function checkBody(response: Response, endpoint: HttpEndpoint, details: Record<string, unknown>): Verdict[] {
  const verdicts: Verdict[] = [];
  const text = response.body.toString('utf8');
  const healthJson = isHealthJson(response.contentType);
  if (endpoint.expect?.body !== undefined && !text.includes(endpoint.expect.body)) {
    verdicts.push({ state: 'unhealthy', reason: `body does not contain ${JSON.stringify(endpoint.expect.body)}` });
  }
  if (!healthJson && endpoint.expect?.json === undefined && endpoint.statusMap === undefined) return verdicts;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    verdicts.push({ state: 'unhealthy', reason: `body is not JSON (${response.contentType ?? 'no content type'})` });
    return verdicts;
  }
  if (healthJson) {
    const read = readHealthJson(parsed);
    details.checks = read.checks;
    verdicts.push(read);
  }
  if (endpoint.expect?.json) verdicts.push(checkJsonExpectations(parsed, endpoint.expect.json));
  if (endpoint.statusMap) verdicts.push(checkStatusMap(parsed, endpoint.statusMap));
  return verdicts;
}

export function request(endpoint: RequestSpec, outer: AbortSignal): Promise<Response> {
  return withDeadline(endpoint.timeoutMs, (deadline) => send(endpoint, AbortSignal.any([outer, deadline])));
}

function send(endpoint: RequestSpec, signal: AbortSignal): Promise<Response> {
  const url = new URL(endpoint.url);
  const client = url.protocol === 'https:' ? https : http;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: endpoint.method,
        // A fresh connection per probe: the figure includes connecting, as a new client would see it.
        agent: false,
        signal,
        headers: {
          'user-agent': `opsctl/${VERSION}`,
          accept: 'application/health+json, application/json;q=0.9, */*;q=0.5',
          ...requestHeaders(endpoint),
        },
        ...(endpoint.ca ? { ca: endpoint.ca } : {}),
      },
      (res) => {
        const socket = res.socket as TLSSocket;
        const cert = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            headers: res.headers,
            body: Buffer.concat(chunks),
            elapsedMs: performance.now() - started,
            ...(cert?.valid_to ? { certValidTo: new Date(cert.valid_to) } : {}),
          });
        };
        res.on('data', (chunk: Buffer) => {
          if (size >= MAX_BODY_BYTES) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_BODY_BYTES) {
            finish();
            res.destroy();
          }
        });
        res.on('end', finish);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(endpoint.body);
  });
}

export function describeFailure(error: unknown, endpoint: Pick<RequestSpec, 'url' | 'timeoutMs'>, outer: AbortSignal): string {
  if (outer.aborted) return 'interrupted';
  const err = error as NodeJS.ErrnoException & { cause?: unknown };
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return `no response within ${formatDuration(endpoint.timeoutMs)}`;
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found: ${new URL(endpoint.url).hostname}`;
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset by the server';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  if (/CERT|SELF_SIGNED|TLS|SSL|ERR_TLS/i.test(code)) return `TLS: ${err.message}`;
  return err.message || String(error);
}

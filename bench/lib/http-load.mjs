// Steady HTTP load for the deploy benches, in the two kinds of client a service meets: a new connection per
// request (agent: false, as nginx talks to an upstream by default) and kept-alive connections (fetch/undici,
// as nginx upstream keepalive, load balancers and browsers). Failures are counted by cause.
import http from 'node:http';

export const CLIENT_KINDS = {
  fresh: 'new connection per request',
  'keep-alive': 'keep-alive (fetch)',
};

function freshGet(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { code: `HTTP ${res.statusCode}` }))));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer within 10 s'), { code: 'timeout' })));
    req.on('error', reject);
  });
}

async function keepAliveGet(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { code: `HTTP ${response.status}` });
}

// fetch's AbortSignal.timeout rejects with a DOMException whose legacy numeric code is 23 (TIMEOUT_ERR): name it
// like the per-request client's own timeout, so both kinds report the same cause.
const causeOf = (error) => (error.name === 'TimeoutError' ? 'timeout' : error.cause?.code ?? error.code ?? error.cause?.message ?? error.message);

/**
 * `clients` request loops of one kind against url until stopped: requests, and failures by cause. Each client
 * waits `pauseMs` between requests: a kept-alive connection then sits idle now and then (the case a server's drain
 * must not break), and the load leaves CPU to the deploy on a shared 2-core machine.
 */
export function startLoad(url, kind, clients = 4, pauseMs = 5) {
  const get = kind === 'fresh' ? freshGet : keepAliveGet;
  const counts = { requests: 0, failed: 0, causes: {} };
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      counts.requests += 1;
      try {
        await get(url);
      } catch (error) {
        const cause = causeOf(error);
        counts.failed += 1;
        counts.causes[cause] = (counts.causes[cause] ?? 0) + 1;
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const running = Array.from({ length: clients }, loop);
  return { stop: async () => ((stopped = true), await Promise.all(running), counts) };
}

/** Sums load counts of several runs. */
export function addCounts(runs) {
  const total = { requests: 0, failed: 0, causes: {} };
  for (const run of runs) {
    total.requests += run.requests;
    total.failed += run.failed;
    for (const [cause, n] of Object.entries(run.causes)) total.causes[cause] = (total.causes[cause] ?? 0) + n;
  }
  return total;
}

export const describeCauses = (causes) => Object.entries(causes).map(([cause, n]) => `${n} ${cause}`).join(', ');

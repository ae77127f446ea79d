// The TCP proxies bench:deploy-compose sends its load through, one per way a real proxy finds a compose service's
// containers and treats a connection attempt, so a row shows what each kind of proxy makes of the same deploy:
//  - poll: lists the running containers every 200 ms (`docker ps`), no connect timeout, tries the next container
//    when a connection is refused (nginx with `proxy_next_upstream error` and its default 60 s connect timeout);
//  - poll+timeout: the same list, but gives up on a connection attempt after 1 s and tries the next container
//    (nginx `proxy_connect_timeout 1s; proxy_next_upstream error timeout`, HAProxy `timeout connect 1s` + redispatch);
//  - events: follows `docker events` (as Traefik's docker provider does): drops a container the moment docker
//    reports it died, adds it when it starts; no connect timeout.
// With `log`, every connection attempt that is not answered at once, and every change of the list, is logged.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { runOnce } from './measure.mjs';

export const PROXY_KINDS = {
  poll: 'polling proxy, no connect timeout',
  'poll+timeout': 'polling proxy, 1 s connect timeout + next',
  events: 'docker-events proxy, no connect timeout',
};

/** Running containers of a compose service: id -> IP address. */
async function listRunning(project, service) {
  const labels = ['--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`];
  const ids = (await runOnce(['docker', 'ps', '-q', '--no-trunc', ...labels, '--filter', 'status=running'])).stdout.split(/\s+/).filter(Boolean);
  if (ids.length === 0) return new Map();
  const lines = (await runOnce(['docker', 'inspect', '--format', '{{.Id}} {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', ...ids])).stdout.split('\n');
  return new Map(lines.map((l) => l.trim().split(/\s+/)).filter((p) => p.length >= 2).map(([cid, ip]) => [cid, ip]));
}

/** Keeps `upstreams` (id -> ip) current by the kind's discovery; returns a stop function. */
function discover(kind, project, service, upstreams, log) {
  const replace = (next) => {
    for (const [cid, ip] of upstreams) if (!next.has(cid)) (upstreams.delete(cid), log?.(`list - ${ip}`));
    for (const [cid, ip] of next) if (!upstreams.has(cid)) (upstreams.set(cid, ip), log?.(`list + ${ip}`));
  };
  // One refresh at a time, so an older answer never overwrites a newer one.
  let busy = false;
  const refresh = async () => {
    if (busy) return;
    busy = true;
    try {
      replace(await listRunning(project, service));
    } catch {
      // Keep the last list.
    } finally {
      busy = false;
    }
  };
  if (kind !== 'events') {
    const timer = setInterval(refresh, 200);
    return { ready: refresh(), stop: () => clearInterval(timer) };
  }
  const events = spawn('docker', ['events', '--format', '{{.Status}} {{.ID}}', '--filter', 'type=container', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  let rest = '';
  events.stdout.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const [status, cid] of lines.map((l) => l.split(' '))) {
      if (status === 'die' && upstreams.has(cid)) (log?.(`list - ${upstreams.get(cid)} (die event)`), upstreams.delete(cid));
      if (status === 'start') refresh();
    }
  });
  return { ready: refresh(), stop: () => events.kill() };
}

/** A proxy of `kind` on 127.0.0.1:port to the running containers of a compose service (port 8080 in each). */
export async function startComposeProxy(kind, { project, service, port, log }) {
  const upstreams = new Map();
  const say = log && ((line) => log(`${kind} ${line}`));
  const discovery = discover(kind, project, service, upstreams, say);
  await discovery.ready;
  const connectTimeout = kind === 'poll+timeout' ? 1000 : 0;
  let next = 0;
  const connect = (client, tried) => {
    const candidates = [...upstreams.values()].filter((ip) => !tried.includes(ip));
    if (candidates.length === 0) return (say?.(`no container left to try (tried ${tried.join(', ') || 'none'})`), client.destroy());
    const ip = candidates[next++ % candidates.length];
    const started = performance.now();
    const upstream = net.connect({ host: ip, port: 8080, timeout: connectTimeout });
    let connected = false;
    const retry = (why) => {
      if (say && (why !== 'ECONNREFUSED' || performance.now() - started > 100)) say(`connect ${ip} ${why} after ${Math.round(performance.now() - started)} ms; ${[...upstreams.values()].includes(ip) ? 'still listed' : 'no longer listed'}`);
      upstream.destroy();
      connect(client, [...tried, ip]);
    };
    const lost = (error) => (say?.(`connection to ${ip} lost after it opened: ${error.code}`), client.destroy());
    upstream.on('error', (error) => (connected ? lost(error) : retry(error.code)));
    upstream.on('timeout', () => connected || retry('timeout'));
    upstream.once('connect', () => {
      connected = true;
      upstream.setTimeout(0);
      const ms = performance.now() - started;
      if (say && ms > 500) say(`connect ${ip} ok after ${Math.round(ms)} ms`);
      client.on('error', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
  };
  const server = net.createServer((client) => (client.pause(), connect(client, [])));
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { kind, port, close: () => (discovery.stop(), server.close()) };
}

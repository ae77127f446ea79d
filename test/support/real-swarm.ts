/**
 * A cross-process lease on this machine's swarm: swarm init and leave must not race between test files
 * (vitest runs two at once), so every file that uses swarm takes the lease first and holds it to the end.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive, waitFor } from './real-cli.js';
import { containersWithLabel, docker } from './real-docker.js';
import { probeCommand, requireTool } from './real-tools.js';

const LEASE = path.join(os.tmpdir(), 'opsctl-real-swarm.lease');
/** Marks the load clients of startOverlayLoad with the network they hold. */
const LOAD_LABEL = 'opsctl.real.load';

export interface SwarmLease {
  /** Leaves the swarm and removes docker_gwbridge only if this lease created them, then frees the lease. */
  release(): Promise<void>;
}

/** Waits for the lease (up to `timeoutMs`), then makes this node a swarm manager if it is not one. */
export async function takeSwarmLease(timeoutMs = 900_000): Promise<SwarmLease> {
  const token = `${process.pid} ${Math.random().toString(36).slice(2)}`;
  await waitFor('the swarm lease', () => tryTake(token), timeoutMs, 300);
  let initialised = false;
  let hadGatewayBridge = true;
  try {
    if ((await docker(['info', '--format', '{{.Swarm.LocalNodeState}}'])).trim() === 'inactive') {
      hadGatewayBridge = (await docker(['network', 'ls', '-q', '--filter', 'name=^docker_gwbridge$'])).trim() !== '';
      await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      initialised = true;
    }
  } catch (error) {
    free(token);
    throw error;
  }
  return {
    async release() {
      if (initialised) {
        await docker(['swarm', 'leave', '--force'], { allowFailure: true });
        // swarm init creates this bridge and leave keeps it.
        if (!hadGatewayBridge) await docker(['network', 'rm', 'docker_gwbridge'], { allowFailure: true });
      }
      free(token);
    },
  };
}

function tryTake(token: string): boolean {
  try {
    const fd = openSync(LEASE, 'wx');
    writeSync(fd, token);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    reclaimIfStale();
    return false;
  }
}

/** A holder that died without releasing (killed test run) leaves its pid behind: its lease is void. */
function reclaimIfStale(): void {
  const holder = Number.parseInt(readLease().split(' ')[0] ?? '', 10);
  if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) rmSync(LEASE, { force: true });
}

function free(token: string): void {
  if (readLease() === token) rmSync(LEASE, { force: true });
}

function readLease(): string {
  try {
    return existsSync(LEASE) ? readFileSync(LEASE, 'utf8') : '';
  } catch {
    return '';
  }
}

/**
 * Swarm publishes ports through the routing mesh, which needs the kernel's IPVS; without it a published
 * port refuses every connection (dockerd logs "error reading the kernel parameter net.ipv4.vs...").
 */
export function requireRoutingMesh(): boolean {
  return requireTool('swarm-routing-mesh', () => {
    if (process.platform !== 'linux' || process.env.DOCKER_HOST) return undefined;
    return existsSync('/proc/net/ip_vs') ? undefined : 'this kernel has no IPVS (/proc/net/ip_vs is missing), which the swarm routing mesh needs to publish ports';
  });
}

/**
 * The docker-swarm gate, probed so that another file's swarm init or leave (node state "pending" for a
 * moment) does not skip this file: it waits up to 20 s for the state to settle.
 */
export function requireSwarm(): boolean {
  return requireTool('docker-swarm', () => {
    const os = probeCommand('docker', ['version', '--format', '{{.Server.Os}}']);
    if (os.problem) return os.problem;
    if (os.stdout.trim() !== 'linux') return `the docker engine runs ${os.stdout.trim() || 'unknown'} containers, the tests need linux ones`;
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const { stdout, problem } = probeCommand('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}']);
      if (problem) return problem;
      const state = stdout.trim();
      if (state === 'inactive' || state === 'active') return undefined;
      if (state !== 'pending') return `swarm node state is "${state}"`;
      spawnSync('sleep', ['0.5']);
    }
    return 'swarm node state stayed "pending" for 20 s';
  });
}

export interface LoadResult {
  requests: number;
  failures: string[];
}

/**
 * A client container on the stack's (attachable) overlay network that asks `host:port` for `urlPath` in a
 * loop, resolving the name before each request: with `endpoint_mode: dnsrr` that is swarm's own DNS
 * round-robin, which needs no IPVS. busybox wget crashes in a FROM-scratch image, so it speaks HTTP/1.0
 * through nc. Stop it to get the counts; the container is removed (a failed test leaves it to
 * removeLoadClients, as it holds the stack's network).
 */
export async function startOverlayLoad(options: { network: string; image: string; host: string; port: number; urlPath: string }): Promise<{ stop(): Promise<LoadResult> }> {
  const bb = '/bin/busybox';
  const script = [
    'while true; do',
    `ip=$(${bb} nslookup ${options.host} 127.0.0.11 2>/dev/null | ${bb} awk '/^Address: /{print $2; exit}');`,
    `line=$(printf 'GET ${options.urlPath} HTTP/1.0\\r\\n\\r\\n' | ${bb} nc -w 2 "$ip" ${options.port} 2>&1 | ${bb} head -1);`,
    'case "$line" in *" 200 "*) echo ok;; *) echo "fail $ip $line";; esac;',
    'done',
  ].join(' ');
  const id = (await docker(['run', '-d', '--label', `${LOAD_LABEL}=${options.network}`, '--network', options.network, '--entrypoint', bb, options.image, 'sh', '-c', script])).trim();
  return {
    async stop() {
      const lines = (await docker(['logs', id])).split('\n').filter(Boolean);
      await docker(['rm', '-f', id], { allowFailure: true });
      return { requests: lines.length, failures: lines.filter((l) => l !== 'ok') };
    },
  };
}


/** Removes the load clients on a network that a failed test did not stop. */
export async function removeLoadClients(network: string): Promise<void> {
  const ids = (await docker(['ps', '-a', '-q', '--filter', `label=${LOAD_LABEL}=${network}`])).split(/\s+/).filter(Boolean);
  if (ids.length > 0) await docker(['rm', '-f', ...ids], { allowFailure: true });
}

/** Removes a stack and waits for its containers, then its network, so nothing outlives the test file. */
export async function removeStack(stack: string): Promise<void> {
  await removeLoadClients(`${stack}_default`);
  await docker(['stack', 'rm', stack], { allowFailure: true });
  const label = `com.docker.stack.namespace=${stack}`;
  await waitFor(`the containers of ${stack} to go`, async () => (await containersWithLabel(label)).length === 0, 60_000, 500).catch(async () =>
    docker(['rm', '-f', ...(await containersWithLabel(label))], { allowFailure: true }),
  );
  await waitFor(`the network of ${stack} to go`, async () => (await docker(['network', 'ls', '-q', '--filter', `label=${label}`])).trim() === '', 30_000, 500).catch(() => undefined);
}

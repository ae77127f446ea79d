/**
 * compose updateOrder: start-first against the real engine (docker-compose v1 here, or the v2 plugin): new
 * containers beside the old ones, gated, then the old ones removed by id; a fixed host port is refused. What a
 * proxy in front relies on: an old container's address answers (serves or refuses at once) until docker reports
 * the container dead; only after that can a connection attempt to it go unanswered (its veth is gone).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComposeTarget } from '../../src/config/schema.js';
import { createComposeDriver } from '../../src/targets/compose/driver.js';
import type { PreparedRelease } from '../../src/deploy/types.js';
import { makeTempDir, removeTempDirs, uniqueSuffix, waitFor } from '../support/real-cli.js';
import { buildRelease, containersWithLabel, docker, fetchText, imageTags, makeReleaseRepo, realDriverDeps, removeImage } from '../support/real-docker.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('docker-compose', 'busybox', 'git');
const never = new AbortController().signal;

interface Attempt { ip: string; at: number; result: string }

/** Connection attempts to `ips` every 50 ms (each given 1 s, none waiting for another) until stopped. */
function probeAddresses(ips: readonly string[]) {
  const attempts: Attempt[] = [];
  const pending: Promise<void>[] = [];
  const attempt = (ip: string) => new Promise<void>((resolve) => {
    const at = Date.now();
    const socket = net.connect({ host: ip, port: 8080, timeout: 1000 });
    const done = (result: string) => (socket.destroy(), attempts.push({ ip, at, result }), resolve());
    socket.once('connect', () => done('connected'));
    socket.once('timeout', () => done('no answer within 1 s'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
  const timer = setInterval(() => pending.push(...ips.map(attempt)), 50);
  return { stop: async () => (clearInterval(timer), await Promise.all(pending), attempts) };
}

/** `docker events` of a compose project as they come: time (ms), action, container id. */
function watchEvents(project: string) {
  const events: { at: number; action: string; id: string }[] = [];
  const child = spawn('docker', ['events', '--format', '{{.TimeNano}} {{.Action}} {{.Actor.ID}}', '--filter', 'type=container', '--filter', `label=com.docker.compose.project=${project}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  child.stdout.setEncoding('utf8');
  let rest = '';
  child.stdout.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const [nano, action, id] of lines.map((l) => l.split(' '))) events.push({ at: Number(BigInt(nano!) / 1_000_000n), action: action!, id: id! });
  });
  return { events, stop: () => child.kill() };
}

describe.skipIf(!available)('compose start-first: real engine, busybox releases', () => {
  const suffix = uniqueSuffix();
  const image = `opsctl-real/startfirst-${suffix}`;
  const projects: string[] = [];
  let dir: string;
  let shas: string[];
  const release = (sha: string): PreparedRelease => ({ sha, shortSha: sha.slice(0, 7), root: dir, dir, image: `${image}:${sha}` });

  beforeAll(async () => {
    dir = makeTempDir('compose-start-first');
    shas = await makeReleaseRepo(dir, [{ version: '1' }, { version: '2' }]);
    await buildRelease(dir, shas[0]!, image);
    await buildRelease(dir, shas[1]!, image);
  }, 300_000);

  afterAll(async () => {
    for (const project of projects) {
      const left = await containersWithLabel(`com.docker.compose.project=${project}`).catch(() => []);
      if (left.length > 0) await docker(['rm', '-f', ...left], { allowFailure: true });
      await docker(['network', 'rm', `${project}_default`], { allowFailure: true });
    }
    for (const tag of await imageTags(image).catch(() => [])) await removeImage(tag);
    removeTempDirs();
  });

  /** A project whose web service publishes `ports`, deployed with start-first. */
  const setupProject = (name: string) => `opsctlsf${name}${suffix}`;
  function setup(name: string, ports: string[]) {
    const project = setupProject(name);
    projects.push(project);
    const file = `${name}.yml`;
    const web = { image: `${image}:\${OPSCTL_RELEASE}`, ports, stop_grace_period: '2s' };
    writeFileSync(path.join(dir, file), JSON.stringify({ version: '2.4', services: { web } }, null, 2));
    const config: ComposeTarget = { file, project, service: 'web', image, updateOrder: 'start-first' };
    const driver = createComposeDriver(config, realDriverDeps(dir, `sf${name}`));
    const ids = () => containersWithLabel(`com.docker.compose.project=${project}`, 'com.docker.compose.service=web');
    return { driver, ids };
  }

  const addressOf = async (id: string) => (await docker(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', id])).trim().split(' ')[0]!;

  it('scales up on the new image, waits for it, then removes the old containers by id; some container serves at every look', async () => {
    const { driver, ids } = setup('eph', ['8080']);
    await driver.activate(release(shas[0]!), never);
    await driver.scale!(2, never);
    await waitFor('v1 ready', async () => (await driver.sample(release(shas[0]!))).ready, 60_000, 300);
    const old = await ids();
    expect(old).toHaveLength(2);
    const oldIps = await Promise.all(old.map(addressOf));
    const events = watchEvents(setupProject('eph'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const probes = probeAddresses(oldIps);

    // Every 100 ms: ask each running container of the service on its own address; a look where none answers
    // is a gap. A look the watcher itself could not make (docker ps or inspect failing under load, a container
    // removed between the two) is not counted either way; each gap keeps what it saw, for the message.
    let stop = false;
    let looks = 0;
    const gaps: string[] = [];
    const watcher = (async () => {
      while (!stop) {
        const listed = await ids().catch(() => undefined);
        const addressed = listed ? await Promise.all(listed.map(async (id) => ({ id, ip: await addressOf(id).catch(() => '') }))) : [];
        const reachable = addressed.filter((c) => c.ip !== '');
        if (reachable.length > 0) {
          const answers = await Promise.all(reachable.map(async (c) => ({ ...c, answer: await fetchText(`http://${c.ip}:8080/version`, 3000) })));
          looks += 1;
          if (!answers.some((a) => a.answer.ok)) gaps.push(answers.map((a) => `${a.id.slice(0, 12)}@${a.ip}: ${a.answer.ok ? 'ok' : a.answer.text || 'no answer'}`).join(', '));
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await driver.activate(release(shas[1]!), never);
    stop = true;
    await watcher;
    const attempts = await probes.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    events.stop();
    expect(looks).toBeGreaterThan(5);
    expect(gaps).toEqual([]);

    // Each old container got its stop signal (kill), then died: stopped, not removed by force.
    const at = (action: string, id: string) => events.events.find((e) => e.action === action && e.id.startsWith(id))?.at;
    for (const [i, id] of old.entries()) {
      const [kill, die] = [at('kill', id), at('die', id)];
      expect(kill, `kill event of ${id}: ${JSON.stringify(events.events)}`).toBeDefined();
      expect(die!).toBeGreaterThanOrEqual(kill!);
      // Until docker reports it dead, its address answers: a proxy that follows docker's events never waits on it.
      const beforeDeath = attempts.filter((a) => a.ip === oldIps[i] && a.at < die!);
      expect(beforeDeath.length).toBeGreaterThan(5);
      expect(beforeDeath.filter((a) => a.result !== 'connected' && a.result !== 'ECONNREFUSED')).toEqual([]);
    }

    const now = await ids();
    expect(now).toHaveLength(2);
    for (const id of old) expect(now).not.toContain(id);
    for (const id of now) expect((await fetchText(`http://${await addressOf(id)}:8080/version`)).text).toBe('2');
    expect((await driver.sample(release(shas[1]!))).ready).toBe(true);
  }, 300_000);

  it('a fixed host port is refused before anything changes, naming the port and what to do', async () => {
    const { driver, ids } = setup('fix', [`${20_000 + Math.floor(Math.random() * 30_000)}:8080`]);
    await driver.activate(release(shas[0]!), never);
    const before = await ids();
    expect(before).toHaveLength(1);
    const problems = await driver.preflight();
    expect(problems.join('\n')).toMatch(/publishes the fixed host port \d+, which one container at a time can bind/);
    expect(problems.join('\n')).toContain('updateOrder: stop-first');
    await expect(driver.activate(release(shas[1]!), never)).rejects.toThrow(/fixed host port/);
    expect(await ids()).toEqual(before);
  }, 300_000);
});

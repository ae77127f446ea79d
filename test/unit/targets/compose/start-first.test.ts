import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedPortProblem, lookAtNew, parseAddresses, type ContainerAddress } from '../../../../src/targets/compose/start-first.js';
import { fixture } from '../../helpers.js';

// Captured from the docker engine here: two containers of a busybox httpd image, run with `docker run -p 8080` (ephemeral host port) and `-p <port>:8080` (fixed) of a busybox httpd image.
const [ephemeral, fixed] = parseAddresses(fixture('docker/inspect-addresses.txt'));

describe('compose start-first', () => {
  it("reads each container's host ports, own addresses and exposed TCP ports from docker inspect", () => {
    expect(ephemeral).toMatchObject({ id: '86ff04d8099e', name: 'opsctl-h14drain-cap-a', state: 'running', hostPorts: [], ips: ['172.17.0.2'], ports: [8080] });
    expect(ephemeral!.health).toBeUndefined();
    expect(fixed!.hostPorts).toHaveLength(1);
    expect(fixed!.hostPorts[0]).toMatch(/^\d+$/);
  });

  it('refuses a fixed host port, naming it; an ephemeral one is fine', () => {
    expect(fixedPortProblem('web', [ephemeral!])).toBeUndefined();
    expect(fixedPortProblem('web', [ephemeral!, fixed!])).toBe(
      `web publishes the fixed host port ${fixed!.hostPorts[0]}, which one container at a time can bind: updateOrder: start-first cannot start the new containers beside the old ones.`,
    );
  });

  describe('a new container passes on its own', () => {
    let server: net.Server;
    let port: number;
    beforeAll(async () => {
      server = net.createServer((socket) => socket.end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));
    const at = (over: Partial<ContainerAddress>): ContainerAddress => ({ id: 'c1', name: 'web-2', state: 'running', hostPorts: [], ips: ['127.0.0.1'], ports: [port], ...over });

    it('when its own address answers on its exposed ports (no HEALTHCHECK), not before', async () => {
      expect(await lookAtNew(at({}))).toEqual({ done: true });
      const closed = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as net.AddressInfo;
          probe.close(() => resolve(free));
        });
      });
      expect(await lookAtNew(at({ ports: [closed] }))).toEqual({ done: false, state: `web-2 does not answer on 127.0.0.1:${closed}` });
    });

    it('by its health when the image has a HEALTHCHECK, and never while not running', async () => {
      expect(await lookAtNew(at({ health: 'starting' }))).toEqual({ done: false, state: 'web-2 is starting' });
      expect(await lookAtNew(at({ health: 'healthy', ports: [] }))).toEqual({ done: true });
      expect(await lookAtNew(at({ state: 'restarting' }))).toEqual({ done: false, state: 'web-2 is restarting' });
    });
  });
});

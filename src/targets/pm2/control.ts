import { UsageError, OpsError } from '../../errors.js';
import type { DriverDeps } from '../../deploy/types.js';
import type { ServiceControl } from '../types.js';
import { pm2Commands } from './commands.js';
import { pm2DaemonPid } from './daemon.js';
import { listPm2Processes } from './daemon-list.js';
import { appProcesses } from './sample.js';
import { baselineEffect, carryBaseline, readBaseline } from './restart-baseline.js';

/** pm2: `pm2 reload` (a rolling restart in cluster mode), `pm2 stop` and `pm2 start` keep the app in pm2's list, its count and its release. */
export function createPm2Control(name: string, deps: DriverDeps): ServiceControl {
  const homeEnv: Record<string, string> = deps.env.PM2_HOME ? { PM2_HOME: deps.env.PM2_HOME } : {};
  const mine = async () => (pm2DaemonPid(deps.env) === undefined ? [] : appProcesses(await listPm2Processes(deps.runner, deps.env), name));
  const own = (service: string | undefined) => {
    if (service !== undefined && service !== name) throw new UsageError(`${deps.environment.name} runs the pm2 app ${name}, not ${service}.`, `Name no service, or ${name}.`);
  };
  const listed = async () => {
    if ((await mine()).length === 0) throw new OpsError(`${name} is not in pm2's list: there is nothing to restart, stop or start.`, 'Deploy it: opsctl deploy --force starts the recorded release again.');
  };
  const run = (action: 'reload' | 'stop' | 'start', signal: AbortSignal) => deps.runner.run(pm2Commands.control(action, name, homeEnv), { signal });
  // pm2 reload adds 1 to each instance's restart count: opsctl's own restart is not one status should show.
  const runKeepingCounts = async (action: 'reload' | 'start', signal: AbortSignal) => {
    const recorded = readBaseline(deps.releasesDir);
    const before = recorded ? await mine() : [];
    await run(action, signal);
    if (recorded && !deps.runner.dryRun) await deps.effects.apply(baselineEffect(deps.releasesDir, carryBaseline(recorded, before, await mine())));
  };
  return {
    isDeployed: (service) => (own(service), true),
    running: async (service) => (own(service), (await mine()).filter((p) => p.pm2_env?.status === 'online').length),
    async restart(service, signal) {
      own(service);
      await listed();
      await runKeepingCounts('reload', signal);
    },
    async stop(service, signal) {
      own(service);
      await listed();
      await run('stop', signal);
    },
    async start(service, _count, signal) {
      own(service);
      await listed();
      await runKeepingCounts('start', signal);
    },
  };
}

import type { Pm2Target } from '../../config/schema.js';
import type { Target, TargetDeps, TargetStatus } from '../types.js';
import { pm2DaemonPid } from './daemon.js';
import { listPm2Processes } from './daemon-list.js';
import { untimedLogsNote } from './log-files.js';
import { toInstances } from './parse.js';
import { readBaseline, withReleaseRestarts } from './restart-baseline.js';

/** `releasesDir` holds the restart counts taken at the switch (restart-baseline.ts). */
export function createPm2Target(config: Pm2Target, app: string, deps: TargetDeps, releasesDir: string): Target {
  const name = config.name ?? app;
  return {
    kind: 'pm2',
    name,
    async status(): Promise<TargetStatus> {
      const desired = typeof config.instances === 'number' ? config.instances : undefined;
      const daemon = pm2DaemonPid(deps.env);
      if (daemon === undefined) {
        return { kind: 'pm2', name, instances: [], desired, notes: ['pm2 daemon is not running (nothing started yet).'] };
      }
      const processes = await listPm2Processes(deps.runner, deps.env);
      const instances = withReleaseRestarts(toInstances(processes, name, (deps.now ?? Date.now)()), processes, readBaseline(releasesDir), daemon);
      const untimed = untimedLogsNote(processes, name);
      const notes = instances.length === 0 ? [`No pm2 process named ${name}.`] : untimed ? [untimed] : [];
      return { kind: 'pm2', name, instances, desired, notes };
    },
  };
}


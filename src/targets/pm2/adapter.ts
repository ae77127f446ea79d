import { pm2NameProblem, type Pm2Target } from '../../config/schema.js';
import type { SelectedEnvironment } from '../../config/select.js';
import { ConfigError } from '../../errors.js';
import { fileSource } from '../../logs/file-source.js';
import { createPm2Control } from './control.js';
import type { TargetKindModule } from '../types.js';
import { planPm2Logs } from './cleanup-logs.js';
import { pm2Daemon } from './doctor.js';
import { createPm2Driver } from './driver.js';
import { pm2LogFiles } from './log-files.js';
import { markPm2Logs } from './log-mark.js';
import { createPm2Target } from './status.js';
import { releasesDirOf } from '../../deploy/releases.js';

/** pm2: one app (fork or cluster mode) run from the release folder's `current` link. */
export const pm2Kind: TargetKindModule<'pm2'> = {
  kind: 'pm2',
  doctorNeeds: ['pm2'],
  daemonChecks: [pm2Daemon],
  bind(config, env) {
    const name = pm2AppName(config, env);
    return {
      kind: 'pm2',
      name,
      status: (deps) => createPm2Target(config, env.app, deps, releasesDirOf(env)),
      driver: (deps) => ({ ...createPm2Driver(config, deps), markLogs: () => markPm2Logs(deps.runner, deps.env, name) }),
      control: (deps) => createPm2Control(name, deps),
      logs: (deps) => ({
        names: [name],
        open: async () => (await pm2LogFiles(deps.runner, deps.env, name)).map((f) => fileSource(f.file, f.label, deps, f)),
      }),
      cleanup: { pm2Logs: (ctx, maxSizeMB) => planPm2Logs(ctx, name, maxSizeMB) },
    };
  },
};

/** target.pm2.name, else the app's name; the schema checks the first, the second is checked here. */
function pm2AppName(config: Pm2Target, env: SelectedEnvironment): string {
  const name = config.name ?? env.app;
  const problem = pm2NameProblem(name);
  if (problem) {
    throw new ConfigError(
      `environments.${env.name}.target.pm2.name is not set, so pm2 would run the app as "${name}" (the config's app): ${problem}.`,
      'Set target.pm2.name in opsctl.yaml to the name pm2 should run the app under.',
    );
  }
  return name;
}

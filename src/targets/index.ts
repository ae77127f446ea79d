import type { SelectedEnvironment } from '../config/select.js';
import type { Runner } from '../process/runner.js';
import { createComposeTarget } from './compose.js';
import { createPm2Target } from './pm2/index.js';
import { createSwarmTarget } from './swarm.js';
import type { Target } from './types.js';

export interface TargetDeps {
  runner: Runner;
  env: Readonly<Record<string, string | undefined>>;
  now?: () => number;
}

export function createTarget(environment: SelectedEnvironment, deps: TargetDeps): Target {
  const { target } = environment.config;
  if (target.pm2) return createPm2Target(target.pm2, environment.app, deps);
  if (target.compose) return createComposeTarget(target.compose, environment.app, deps);
  return createSwarmTarget(target.swarm!, deps);
}

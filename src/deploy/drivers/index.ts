import type { SelectedEnvironment } from '../../config/select.js';
import type { DeployDriver, DriverDeps } from '../types.js';
import { createComposeDriver } from './compose.js';
import { createPm2Driver } from './pm2.js';
import { createSwarmDriver } from './swarm.js';

/** The deploy driver of the environment's one target. */
export function createDriver(env: SelectedEnvironment, deps: DriverDeps): DeployDriver {
  const { target } = env.config;
  if (target.pm2) return createPm2Driver(target.pm2, deps);
  if (target.compose) return createComposeDriver(target.compose, deps);
  return createSwarmDriver(target.swarm!, deps);
}

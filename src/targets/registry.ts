import type { TargetConfig } from '../config/schema.js';
import type { SelectedEnvironment } from '../config/select.js';
import type { DeployDriver, DriverDeps } from '../deploy/types.js';
import { composeKind } from './compose/adapter.js';
import { pm2Kind } from './pm2/adapter.js';
import { swarmKind } from './swarm/adapter.js';
import type { KindConfig, Target, TargetAdapter, TargetDeps, TargetKind, TargetKindModule } from './types.js';

/** Every kind of target, one line each. A new kind: its folder under src/targets/, its key in the config schema, and a line here. */
const REGISTRY: { readonly [K in TargetKind]: TargetKindModule<K> } = {
  pm2: pm2Kind,
  compose: composeKind,
  swarm: swarmKind,
};

export const TARGET_KINDS = Object.keys(REGISTRY) as TargetKind[];

/** The one kind the config's target sets (the schema lets exactly one through). */
export function kindOf(target: TargetConfig): TargetKind {
  const kind = TARGET_KINDS.find((k) => target[k] !== undefined);
  if (!kind) throw new Error('target sets no kind: the config schema should have refused it');
  return kind;
}

export function kindModule(target: TargetConfig): TargetKindModule<TargetKind> {
  return REGISTRY[kindOf(target)];
}

/** The adapter of the environment's target: status, deploy driver, log source and cleanup hooks. */
export function targetOf(env: SelectedEnvironment): TargetAdapter {
  return bind(kindOf(env.config.target), env);
}

function bind<K extends TargetKind>(kind: K, env: SelectedEnvironment): TargetAdapter {
  // kindOf picked K because target[K] is set.
  return REGISTRY[kind].bind(env.config.target[kind] as KindConfig<K>, env);
}

export function createTarget(env: SelectedEnvironment, deps: TargetDeps): Target {
  return targetOf(env).status(deps);
}

export function createDriver(env: SelectedEnvironment, deps: DriverDeps): DeployDriver {
  return targetOf(env).driver(deps);
}

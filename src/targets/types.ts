import type { KindPlan } from '../cleanup/types.js';
import type { TargetConfig, TargetKind } from '../config/schema.js';
import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import type { DeployDriver, DriverDeps } from '../deploy/types.js';
import type { Check } from '../doctor/checks.js';
import type { LogSource, SourceDeps } from '../logs/source.js';
import type { Runner } from '../process/runner.js';

export type { TargetKind } from '../config/schema.js';
/** The config of one kind: target.pm2, target.compose or target.swarm. */
export type KindConfig<K extends TargetKind> = NonNullable<TargetConfig[K]>;

/** One process, container or task of the environment's target, as every renderer sees it. */
export interface Instance {
  name: string;
  id?: string;
  state: string;
  restarts: number;
  /** pm2: `restarts` count since the release was switched to, or over the app's life when opsctl recorded nothing. */
  restartsSince?: 'release' | 'lifetime';
  cpuPercent?: number;
  memoryBytes?: number;
  startedAt?: string;
  uptimeMs?: number;
  image?: string;
  /** The release (full sha) the instance runs: pm2's OPSCTL_RELEASE, the tag of a container's or task's image. */
  release?: string;
  version?: string;
  node?: string;
  /** The compose service or swarm service the instance belongs to. */
  service?: string;
  message?: string;
}


export interface TargetStatus {
  kind: TargetKind;
  /** pm2 app name, compose project/service or swarm stack_service. */
  name: string;
  instances: Instance[];
  /** The compose service that deploy, scale and rollback act on; the project's other services are listed too. */
  service?: string;
  /** Instances asked for (pm2 instances, swarm replicas); undefined when the target does not say. */
  desired?: number;
  /** Why the list may be empty or partial, e.g. "pm2 daemon is not running". */
  notes: string[];
}

/** What `opsctl status` asks of a target. */
export interface Target {
  kind: TargetKind;
  name: string;
  status(): Promise<TargetStatus>;
}

export interface TargetDeps {
  runner: Runner;
  env: Readonly<Record<string, string | undefined>>;
  now?: () => number;
}

/** The target's own log source (pm2's files of the app, `docker compose logs`, `docker service logs`). */
export interface TargetLogs {
  /** Names --source may pick it by besides its kind. */
  names: string[];
  open(): Promise<LogSource[]>;
}

/** What cleanup needs from the target; a hook that is absent means the target has nothing of that kind. */
export interface TargetCleanup {
  /** The label every container of this environment carries (compose project, swarm stack). */
  containerLabel?: string;
  /** cleanup.pm2Logs: the app's log files over maxSizeMB, truncated. */
  pm2Logs?: (ctx: Context, maxSizeMB: number) => Promise<KindPlan>;
}

/** restart, stop and start without a new release. `service` undefined is the deployed one. */
export interface ServiceControl {
  /** The deployed service (gated after start and restart), or another one of the target's (compose: postgres, redis), run as is. */
  isDeployed(service: string | undefined): boolean;
  /** Instances running now of `service`. */
  running(service: string | undefined): Promise<number>;
  /** The deployed service one instance at a time where the tool allows (pm2 reload, swarm update --force); another service as the tool restarts it. */
  restart(service: string | undefined, signal: AbortSignal): Promise<void>;
  stop(service: string | undefined, signal: AbortSignal): Promise<void>;
  /** `count`: the instances that ran before stop (swarm scales back to it); undefined when not known. */
  start(service: string | undefined, count: number | undefined, signal: AbortSignal): Promise<void>;
}

/** Everything opsctl knows about one kind of target, bound to one environment's config of that kind. */
export interface TargetAdapter {
  kind: TargetKind;
  /** pm2 app name, compose project/service, swarm stack_service. */
  name: string;
  /** target.<kind>.image: the repository the build tags release images in (deploy runs `<image>:<sha>`). */
  image?: string;
  status(deps: TargetDeps): Target;
  driver(deps: DriverDeps): DeployDriver;
  control(deps: DriverDeps): ServiceControl;
  logs(deps: SourceDeps): TargetLogs;
  cleanup: TargetCleanup;
}

/** A daemon doctor looks at when an environment has this kind of target. */
export interface DaemonCheck {
  name: string;
  /** Runs only when the docker CLI was found. */
  needsDocker: boolean;
  check(runner: Runner, env: Readonly<Record<string, string | undefined>>): Promise<Check>;
}

/** One line of the registry: a kind's static facts and how to bind it to an environment. */
export interface TargetKindModule<K extends TargetKind> {
  kind: K;
  /** Tool names (process/tools.ts) and daemon checks doctor requires for this kind. */
  doctorNeeds: readonly string[];
  daemonChecks: readonly DaemonCheck[];
  bind(config: KindConfig<K>, env: SelectedEnvironment): TargetAdapter;
}

/** One process, container or task of the environment's target, as every renderer sees it. */
export interface Instance {
  name: string;
  id?: string;
  state: string;
  restarts: number;
  cpuPercent?: number;
  memoryBytes?: number;
  startedAt?: string;
  uptimeMs?: number;
  image?: string;
  version?: string;
  node?: string;
  /** The compose service or swarm service the instance belongs to. */
  service?: string;
  message?: string;
}

export type TargetKind = 'pm2' | 'compose' | 'swarm';

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

/** Every target offers the same operations; later issues add deploy, rollback, scale and logs. */
export interface Target {
  kind: TargetKind;
  name: string;
  status(): Promise<TargetStatus>;
}

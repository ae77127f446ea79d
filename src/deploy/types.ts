import type { SelectedEnvironment } from '../config/select.js';
import type { Logger } from '../output/logger.js';
import type { Effects } from '../process/effects.js';
import type { Runner } from '../process/runner.js';
import type { TargetKind } from '../config/schema.js';

/**
 * The variable that names the release: compose and stack files tag the image with it (`image: app:${OPSCTL_RELEASE}`),
 * and every pm2 instance runs with it in its environment, where `sample` reads it back.
 */
export const RELEASE_VARIABLE = 'OPSCTL_RELEASE';

/** A release is one git commit of `source.repo`; its id is the full sha. */
export interface ReleaseRef {
  sha: string;
  shortSha: string;
}

/** A release checked out in its own folder, ready to build and switch to. */
export interface PreparedRelease extends ReleaseRef {
  /** The release folder: the repository at this sha (a git worktree under <stateDir>/releases/<env>/). */
  root: string;
  /**
   * opsctl.yaml's folder as it sits inside the release folder. Relative paths of the config (pm2 script,
   * ecosystem, cwd) and the build and check commands resolve from here, as they do from opsctl.yaml's
   * folder in the user's working copy.
   */
  dir: string;
  /** compose and swarm: `<target.image>:<sha>`, the image the build makes and the switch runs. */
  image?: string;
}

/** One look at the target for the health gate. */
export interface TargetSample {
  /** Every instance is up and runs this release. */
  ready: boolean;
  /**
   * Changes whenever an instance restarts or is replaced (pm2: pid and restart count of each instance;
   * compose: container ids and restart counts; swarm: task ids and states). The gate needs it unchanged
   * across its consecutive passes: pm2 says "online" while crash-looping.
   */
  fingerprint: string;
  /** For people: "2/2 online", "1/2 running, 1 restarting". */
  summary: string;
  /** Why it is not ready, one sentence each. Empty when ready. */
  problems: string[];
  /**
   * The problems that settle it: waiting cannot make the release good (pm2 gave up on an instance, restarts
   * since the switch past a small bound, a container that exited, swarm tasks that failed). The gate fails at once.
   */
  fatal?: string[];
}

/** Restarts of one instance since the switch that are proof of a crash loop rather than one bad moment. */
export const CRASH_RESTARTS = 2;

export interface DriverDeps {
  runner: Runner;
  /** Files and links the driver changes go through here, so --dry-run only shows them. */
  effects: Effects;
  /** The process environment (PATH, PM2_HOME, DOCKER_HOST...). Children inherit it. */
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  environment: SelectedEnvironment;
  /** `<stateDir>/releases/<env>`: where release folders live. The pm2 driver keeps its `current` link here. */
  releasesDir: string;
  now: () => number;
}

/**
 * What deploy, rollback and scale need from a target. Every method honours --dry-run through the runner:
 * commands that change something are printed as `would run:` and not run (runner.dryRun); read-only ones
 * still run. Files and links change through `deps.effects`, which under dry-run only shows them.
 */
export interface DeployDriver {
  kind: TargetKind;
  /** pm2 app name, compose project/service, swarm stack_service. */
  name: string;
  /** Read-only checks before anything changes: tools present, daemon or engine reachable, config usable. One sentence per problem. */
  preflight(): Promise<string[]>;
  /** After the build: is what the switch needs there (compose/swarm: the image `release.image`)? One sentence per problem. */
  verifyBuilt(release: PreparedRelease): Promise<string[]>;
  /**
   * Makes `release` the running one and waits until the tool itself says it is done: pm2 start or
   * reload (cluster: zero-downtime), compose up -d of the service, swarm service update (start-first)
   * or stack deploy. Throws (ToolError / OpsError) when the tool fails.
   */
  activate(release: PreparedRelease, signal: AbortSignal): Promise<void>;
  /** One sample for the health gate: are all instances up on `release`, and a fingerprint of them. */
  sample(release: PreparedRelease): Promise<TargetSample>;
  /** Instances running now (pm2 instances, compose containers of the service, swarm replicas); undefined when not deployed. */
  replicas(): Promise<number | undefined>;
  /** Sets the instance count and waits until the target converges to it. */
  scale(replicas: number, signal: AbortSignal): Promise<void>;
  /**
   * Taken just before the switch: where the target's logs stand. What it returns reads the release's own
   * stderr and error-level lines written since, for a failed gate to show why. Absent: the target has none.
   */
  markLogs?(signal: AbortSignal): Promise<LogMark>;
}

/** The last `limit` lines of the release's own stderr and error-level output since the mark, as "<source>: <line>". */
export type LogMark = (limit: number) => Promise<string[]>;

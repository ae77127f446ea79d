import { parseDuration } from '../config/duration.js';
import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import type { SourceConfig } from '../config/schema.js';
import type { Context } from '../context.js';
import { isDatabaseKind } from '../databases/kinds.js';
import { checkDisk } from '../health/disk.js';
import { ConfigError, OpsError, ToolMissingError, UsageError } from '../errors.js';
import { readRepoState } from '../git/git.js';
import { planProbes, runProbes, type PlannedProbe } from '../health/check.js';
import { targetOf } from '../targets/registry.js';
import { releaseLedger, type Ledger } from './ledger.js';
import { releaseLayout, releasesDirOf, type ReleaseLayout } from './releases.js';
import type { GateSettings } from './gate.js';
import type { Steps } from './steps.js';
import type { DeployDriver, DriverDeps } from './types.js';

export type DriverFactory = (env: SelectedEnvironment, deps: DriverDeps) => DeployDriver;

/** Everything deploy, rollback and scale share once preflight has passed. */
export interface Session {
  ctx: Context;
  env: SelectedEnvironment;
  driver: DeployDriver;
  steps: Steps;
  ledger: Ledger;
  probes: PlannedProbe[];
  gate: GateSettings;
}

export interface SourceSession extends Session {
  source: SourceConfig;
  layout: ReleaseLayout;
}

export function driverDeps(ctx: Context, env: SelectedEnvironment): DriverDeps {
  return { runner: ctx.runner, effects: ctx.effects, env: ctx.env, log: ctx.log, environment: env, releasesDir: releasesDirOf(env), now: () => ctx.now() };
}

export async function openSession(ctx: Context, env: SelectedEnvironment, makeDriver: DriverFactory, steps: Steps): Promise<Session> {
  const driver = makeDriver(env, driverDeps(ctx, env));
  const ledger = await releaseLedger(env);
  const { gate } = env.config.deploy;
  return {
    ctx,
    env,
    driver,
    steps,
    ledger,
    probes: gateProbes(ctx, env),
    gate: { passes: gate.passes, intervalMs: parseDuration(gate.interval)!, timeoutMs: parseDuration(gate.timeout)!, settleMs: parseDuration(gate.settle)! },
  };
}

/** The endpoint and database probes: host probes (disk, load) say nothing about a release. */
function gateProbes(ctx: Context, env: SelectedEnvironment): PlannedProbe[] {
  const { endpoints, databases } = env.config.health;
  const groups = [...(endpoints.length > 0 ? ['endpoints'] : []), ...(databases.length > 0 ? ['databases'] : [])];
  if (groups.length === 0) {
    ctx.log.warn(`${env.name} has no health.endpoints: the health gate can only check that the instances stay up`);
    return [];
  }
  return planProbes(env, { runner: ctx.runner, now: () => ctx.now() }, groups);
}

/** Preflight for what builds releases: source configured, the repo a git repo, the target ready, disk free. */
export async function preflight(session: Session): Promise<SourceSession> {
  const { ctx, env, driver } = session;
  const source = env.config.source;
  if (!source) {
    throw new ConfigError(`environments.${env.name}.source is not set: deploy needs the git repository and ref to release from.`, 'Add it to opsctl.yaml, e.g. source: { repo: ., ref: main, build: ["npm ci", "npm run build"] }.');
  }
  const repo = resolveFrom(env, source.repo);
  const state = await readRepoState(ctx.runner, repo);
  if (!state.state) throw new UsageError(`source.repo ${repo} is not a usable git repository: ${state.problem}.`, 'Point source.repo at a git working copy (relative to opsctl.yaml).');
  if (state.state.dirty) ctx.log.warn(`${repo} has uncommitted changes: they are not deployed (a release is a commit) and are left as they are`);
  const problems = [...(await driver.preflight()), ...(await databasesUp(session))];
  const disk = await checkDisk('release folders', releasesDirOf(env));
  if (disk.status === 'fail') problems.push(`too little disk space for a release: ${disk.detail}`);
  else if (disk.status === 'warn') ctx.log.warn(`disk space is low: ${disk.detail}`);
  if (problems.length > 0) {
    throw new OpsError(`${env.name} is not ready for a deploy:\n  - ${problems.join('\n  - ')}`, 'Fix these and deploy again; opsctl doctor checks the tools and daemons.');
  }
  return { ...session, source, layout: await releaseLayout(ctx.runner, env, repo) };
}

/**
 * The gate's database probes, once, before anything changes: a database that is down (or a client tool
 * that is missing, exit 127) would fail the gate of the new release and of the rollback alike.
 */
async function databasesUp(session: Session): Promise<string[]> {
  const { ctx, env } = session;
  const databases = session.probes.filter((p) => isDatabaseKind(p.kind));
  if (databases.length === 0) return [];
  const report = await runProbes(env.name, databases, { signal: ctx.signal, now: () => ctx.now() });
  const missing = report.probes.find((p) => p.state === 'unknown');
  if (missing) throw new ToolMissingError(`The health gate cannot check database ${missing.name}: ${missing.reason}.`, String(missing.details?.hint ?? 'Install its client tool, or take it out of health.databases.'));
  return report.probes.filter((p) => p.state === 'unhealthy').map((p) => `database ${p.name} is down before the deploy (${p.reason}): the health gate would fail`);
}

export function imageFor(env: SelectedEnvironment, sha: string): string | undefined {
  const image = targetOf(env).image;
  return image ? `${image}:${sha}` : undefined;
}

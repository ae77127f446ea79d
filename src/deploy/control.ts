import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { journalOf, recordOperation } from '../history/journal.js';
import { withLock } from '../history/lock.js';
import { LAST_LINES } from '../logs/last-lines.js';
import { confirmByTyping } from '../output/confirm.js';
import { targetOf } from '../targets/registry.js';
import { healthGate, type GateResult } from './gate.js';
import { releasesDirOf, preparedAt } from './releases.js';
import { driverDeps, imageFor, openSession, type Session } from './session.js';
import { Steps } from './steps.js';
import type { PreparedRelease } from './types.js';

export type ControlAction = 'restart' | 'stop' | 'start';

export interface ControlResult {
  action: ControlAction;
  environment: string;
  target: string;
  /** The service acted on: the deployed one, or another of a compose project. */
  service: string;
  deployed: boolean;
  dryRun: boolean;
  /** Instances running before and after. */
  before: number;
  after: number | null;
  /** The health gate after start and restart of the deployed service; null when none ran. */
  health: GateResult | null;
  ok: boolean;
  error: string | null;
  lastLines: string[];
  durationMs: number;
}

/** Names an environment is taken to be production by: stop asks first there. */
const PRODUCTION_LIKE = /^(prod|production|live)([-_.].*)?$/i;

/**
 * restart, stop or start the environment's service without a new release: under the lock, journaled,
 * and for start and restart of the deployed service held to the same health gate as a deploy.
 */
export async function controlService(ctx: Context, env: SelectedEnvironment, action: ControlAction, service: string | undefined): Promise<ControlResult> {
  const started = ctx.now();
  const control = targetOf(env).control(driverDeps(ctx, env));
  const deployed = control.isDeployed(service);
  const name = service ?? targetOf(env).name;
  if (action === 'stop' && !ctx.dryRun) await confirmStop(ctx, env, name);
  const work = async (): Promise<ControlResult> => {
    const result: ControlResult = { action, environment: env.name, target: `${targetOf(env).kind} ${targetOf(env).name}`, service: name, deployed, dryRun: ctx.dryRun, before: await control.running(service), after: null, health: null, ok: true, error: null, lastLines: [], durationMs: 0 };
    // Only start and restart of the deployed service are gated: the others need no probes, ledger or log mark.
    const gated = deployed && action !== 'stop' && !ctx.dryRun;
    const session = gated ? await openSession(ctx, env, (e, deps) => targetOf(e).driver(deps), new Steps(ctx.log, () => ctx.now(), ctx.dryRun)) : undefined;
    const mark = session ? await session.driver.markLogs?.(ctx.signal).catch(() => undefined) : undefined;
    const step = ctx.log.step(`${action} ${name} on ${env.name}`);
    try {
      if (action === 'stop') await remember(ctx, env, name, result.before).then(() => control.stop(service, ctx.signal));
      else if (action === 'start') await control.start(service, await remembered(env, name), ctx.signal);
      else await control.restart(service, ctx.signal);
      step.done(`${action} ${name}${ctx.dryRun ? ' (planned)' : ''}`);
    } catch (error) {
      step.fail();
      throw error;
    }
    if (session) result.health = await gate(session);
    if (result.health && !result.health.passed) {
      result.ok = false;
      result.error = result.health.reason;
      result.lastLines = (await mark?.(LAST_LINES).catch(() => [])) ?? [];
    }
    if (!ctx.dryRun) result.after = await control.running(service);
    result.durationMs = ctx.now() - started;
    return result;
  };
  if (ctx.dryRun) return work();
  return withLock(env.stateDir, env.name, `opsctl ${action}${service ? ` ${service}` : ''}`, () =>
    recordOperation(journalOf(ctx, env), action, async () => {
      const value = await work();
      return { value, result: value.ok ? 'success' : 'failed', details: { service: value.service, before: value.before, after: value.after, health: value.health && { passed: value.health.passed, reason: value.health.reason } } };
    }),
  );
}

/** The recorded release, as the gate checks it: every instance up on it and staying up. Without one, the probes alone. */
async function gate(session: Session): Promise<GateResult> {
  const { ctx, env, driver, ledger } = session;
  const release: PreparedRelease = ledger.current
    ? preparedAt({ repo: '', releasesDir: releasesDirOf(env), configInRepo: '' }, { sha: ledger.current, shortSha: ledger.current.slice(0, 7) }, imageFor(env, ledger.current))
    : { sha: '', shortSha: 'none', root: '', dir: '' };
  const sample = ledger.current ? driver : { ...driver, sample: async () => ({ ready: true, fingerprint: '', summary: 'no release recorded: probes only', problems: [] }) };
  const step = ctx.log.step(`health gate: ${session.gate.passes} passes in a row`);
  const result = await healthGate(release, session.gate, { environment: env.name, driver: sample, probes: session.probes, signal: ctx.signal, now: () => ctx.now() });
  if (result.passed) step.done(`healthy ${result.passes} times in a row (${result.target?.summary ?? 'probes'})`);
  else step.fail(`health gate: ${result.reason}`);
  return result;
}

async function confirmStop(ctx: Context, env: SelectedEnvironment, name: string): Promise<void> {
  if (ctx.assumeYes || !PRODUCTION_LIKE.test(env.name)) return;
  if (!ctx.interactive) throw new UsageError(`stop takes ${name} on ${env.name} out of service and needs confirmation.`, 'Pass --yes to confirm without a terminal.');
  await confirmByTyping(`Stop ${name} on ${env.name}? It serves no requests until opsctl start.`, env.name, 'nothing was stopped', ctx.signal);
}

/** `<stateDir>/stopped-<env>-<service>.json`: the count that ran before stop, for start to scale back to. */
function memoryFile(env: Pick<SelectedEnvironment, 'stateDir' | 'name'>, service: string): string {
  return path.join(env.stateDir, `stopped-${env.name}-${service.replace(/[^\w.-]/g, '_')}.json`);
}

async function remember(ctx: Context, env: SelectedEnvironment, service: string, count: number): Promise<void> {
  // A second stop finds nothing running: the count of the first stays.
  if (count === 0) return;
  await ctx.effects.apply({ kind: 'write', file: memoryFile(env, service), data: `${JSON.stringify({ count, at: new Date(ctx.now()).toISOString() })}\n`, atomic: true });
}

async function remembered(env: SelectedEnvironment, service: string): Promise<number | undefined> {
  try {
    const count = (JSON.parse(await readFile(memoryFile(env, service), 'utf8')) as { count?: unknown }).count;
    return typeof count === 'number' && Number.isInteger(count) && count > 0 ? count : undefined;
  } catch {
    return undefined;
  }
}

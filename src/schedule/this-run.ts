import { fstatSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import type { Heartbeat } from './heartbeat.js';

/**
 * The schedule this process runs for, or undefined when it was started by hand. An entry opsctl wrote
 * appends stdout to <stateDir>/logs/<name>.log, so the run is one whose stdout is that very file
 * (same device and inode: no change to the entries, and no path to compare). OPSCTL_SCHEDULE names it
 * for an entry written by hand.
 */
export async function scheduleOfThisRun(stateDir: string, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  if (env.OPSCTL_SCHEDULE) return env.OPSCTL_SCHEDULE;
  let out;
  try {
    out = fstatSync(1);
  } catch {
    return undefined;
  }
  if (!out.isFile()) return undefined;
  const dir = path.join(stateDir, 'logs');
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.log'))) {
    const file = await stat(path.join(dir, name)).catch(() => undefined);
    if (file && file.ino === out.ino && file.dev === out.dev) return name.slice(0, -'.log'.length);
  }
  return undefined;
}

/**
 * The heartbeat of this run when a schedule started it, else undefined. Every command asks; only a
 * scheduled run loads the heartbeat's journal and webhook code (start-up of `logs`, `status`).
 */
export async function heartbeatOfThisRun(ctx: Context, command: string): Promise<Heartbeat | undefined> {
  let env: SelectedEnvironment | undefined;
  try {
    env = ctx.environmentIfChosen();
  } catch {
    return undefined;
  }
  if (!env) return undefined;
  const schedule = await scheduleOfThisRun(env.stateDir, ctx.env);
  if (!schedule) return undefined;
  const { startHeartbeat } = await import('./heartbeat.js');
  return startHeartbeat(ctx, env, schedule, command);
}

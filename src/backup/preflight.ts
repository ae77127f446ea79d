import type { Context } from '../context.js';
import { checkPaths, TAR_TOOL } from './files.js';
import type { PartPlan } from './parts.js';

export interface Prepared {
  part: PartPlan;
  tool: string;
  serverVersion?: string;
}

/** Every part's tool, credentials and paths checked before a byte is written: a wrong password fails in a second, not after a dump. */
export async function preflight(ctx: Context, parts: readonly PartPlan[]): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  for (const part of parts) prepared.push(await preparePart(ctx, part));
  return prepared;
}

async function preparePart(ctx: Context, part: PartPlan): Promise<Prepared> {
  if (part.kind !== 'files') return { part, ...(await part.adapter.backup.prepare(ctx, part.name, part.conn)) };
  await checkPaths(part.cwd, part.paths);
  return { part, tool: TAR_TOOL };
}

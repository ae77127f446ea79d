import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { nearestExisting } from '../health/disk.js';
import type { Runner } from '../process/runner.js';
import { parseVersion, TOOLS, type ToolInfo } from '../process/tools.js';
import { which } from '../process/which.js';
import { readPm2Version } from '../targets/pm2/version.js';
import { isOlder, MINIMUMS } from './tool-versions.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'missing';

export interface Check {
  name: string;
  kind: 'tool' | 'daemon' | 'config' | 'disk' | 'port' | 'env';
  status: CheckStatus;
  /** Needed by the config: a required check that is not ok makes doctor exit 1. */
  required: boolean;
  detail: string;
  version?: string;
  /** The oldest version opsctl works with, for a tool where an older one is around. */
  minimum?: string;
  /** What to do when the check is not ok. */
  hint?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export async function checkTool(tool: ToolInfo, runner: Runner, env: Env): Promise<Check> {
  const minimum = MINIMUMS[tool.name];
  const base = { name: tool.name, kind: 'tool' as const, required: false, ...(minimum ? { minimum: minimum.version } : {}) };
  const executable = which(tool.versionCommand.file, env);
  if (!executable) return { ...base, status: 'missing', detail: 'not found on PATH', hint: tool.install };
  if (tool.name === 'pm2') {
    const version = readPm2Version(executable);
    return { ...base, status: 'ok', version, detail: executable };
  }
  const result = await runner.run(tool.versionCommand, { allowFailure: true });
  if (result.exitCode !== 0) {
    // `docker compose` is a plugin: the docker binary exists but the subcommand may not.
    return { ...base, status: 'missing', detail: `${executable} has no such command`, hint: tool.install };
  }
  const version = parseVersion(result.stdout);
  if (minimum && version && isOlder(version, minimum.version)) {
    const detail = `${executable} is ${version}: opsctl needs ${minimum.version} or newer (${minimum.because})`;
    return { ...base, status: 'fail', version, detail, hint: `${tool.name} ${minimum.version} or newer is needed. ${tool.install}` };
  }
  return { ...base, status: 'ok', version, detail: minimum ? `${executable} (${minimum.version} or newer needed)` : executable };
}

export function checkAllTools(runner: Runner, env: Env): Promise<Check[]> {
  return Promise.all(TOOLS.map((tool) => checkTool(tool, runner, env)));
}

export async function checkWritable(label: string, dir: string): Promise<Check> {
  try {
    // Checked on the nearest existing folder: doctor creates nothing.
    await access((await nearestExisting(dir)) ?? path.parse(path.resolve(dir)).root, constants.W_OK);
    return { name: label, kind: 'disk', required: true, status: 'ok', detail: `${dir} is writable` };
  } catch (error) {
    return { name: label, kind: 'disk', required: true, status: 'fail', detail: `${dir}: ${(error as Error).message}` };
  }
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { onTestFinished } from 'vitest';
import { loadCommand } from '../../src/cli/loaders.js';
import { loadConfig, type LoadedConfig } from '../../src/config/load.js';
import { chosenEnvironmentName, selectEnvironment, type SelectedEnvironment } from '../../src/config/select.js';
import type { Context } from '../../src/context.js';
import { buildLogger } from '../../src/output/logger.js';
import { createStyle } from '../../src/output/style.js';
import { createEffects } from '../../src/process/effects.js';
import { scriptedRunner, type Expected, type ScriptedRunner } from './scripted-runner.js';

export interface TestContextOptions {
  /** The text of opsctl.yaml, written to a fresh temp folder. */
  config: string;
  /** The text of the .env beside it. */
  dotenv?: string;
  /** Merged over an isolated environment (PATH = an empty temp bin dir, PM2_HOME and HOME inside the temp folder). */
  env?: Record<string, string | undefined>;
  /** As -e / --env. */
  environment?: string;
  /** The commands the scripted runner expects; a function when they name the temp folder (git -C <dir>). */
  commands?: readonly Expected[] | ((paths: { dir: string }) => readonly Expected[]);
  dryRun?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  json?: boolean;
  assumeYes?: boolean;
  /** Pins the clock (epoch ms). */
  now?: () => number;
  interactive?: boolean;
}

export interface TestContext {
  ctx: Context;
  runner: ScriptedRunner;
  /** Every line the logger wrote (no timestamps, no colour). */
  logs: string[];
  /** What the command streamed to stdout through ctx.out, chunk by chunk (join('') for the text). */
  stdout: string[];
  controller: AbortController;
  /** The temp folder holding opsctl.yaml; removed when the test ends. */
  dir: string;
  configFile: string;
  /** Where the config's default stateDir (.opsctl) points. */
  stateDir: string;
  /** An empty folder that is the whole PATH unless env overrides it. */
  binDir: string;
  pm2Home: string;
}

/** A Context as the CLI builds it, but with a scripted runner, an in-memory logger and temp folders. */
export function createTestContext(options: TestContextOptions): TestContext {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-unit-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const binDir = path.join(dir, 'bin');
  const pm2Home = path.join(dir, 'pm2-home');
  mkdirSync(binDir);
  const configFile = path.join(dir, 'opsctl.yaml');
  writeFileSync(configFile, options.config);
  if (options.dotenv !== undefined) writeFileSync(path.join(dir, '.env'), options.dotenv);

  const env: Record<string, string | undefined> = { PATH: binDir, PM2_HOME: pm2Home, HOME: dir, ...options.env };
  const logs: string[] = [];
  const stream = { isTTY: false, write: (chunk: string) => logs.push(chunk.replace(/\n$/, '')) > 0 } as unknown as Writable;
  const log = buildLogger({ stream, style: createStyle(false), quiet: Boolean(options.quiet), verbose: Boolean(options.verbose), interactive: true });
  const script = typeof options.commands === 'function' ? options.commands({ dir }) : (options.commands ?? []);
  const runner = scriptedRunner(script, { dryRun: options.dryRun });
  const effects = createEffects({ dryRun: Boolean(options.dryRun), log: (line) => log.plan(line) });
  const controller = new AbortController();
  const stdout: string[] = [];

  let loaded: LoadedConfig | undefined;
  const config = () => (loaded ??= loadConfig({ cwd: dir, configPath: configFile, processEnv: env }));
  let selected: SelectedEnvironment | undefined;
  const environment = () => (selected ??= selectEnvironment(config(), options.environment, env.OPSCTL_ENV));
  const ctx: Context = {
    cwd: dir,
    env,
    runner,
    effects,
    log,
    signal: controller.signal,
    dryRun: Boolean(options.dryRun),
    json: Boolean(options.json),
    assumeYes: Boolean(options.assumeYes),
    interactive: Boolean(options.interactive),
    config,
    environment,
    environmentIfChosen: () => (chosenEnvironmentName(config(), options.environment, env.OPSCTL_ENV) ? environment() : undefined),
    now: options.now ?? (() => Date.now()),
    out: async (text) => {
      stdout.push(typeof text === 'string' ? text : text.toString('utf8'));
    },
    outStyle: createStyle(false),
    loadCommand,
  };
  return { ctx, runner, logs, stdout, controller, dir, configFile, stateDir: path.join(dir, '.opsctl'), binDir, pm2Home };
}

/** An executable file named `name` in `dir` (a stand-in whose presence is all that is checked). */
export function fakeExecutable(dir: string, name: string): string {
  // On Windows only PATHEXT names count as executables.
  if (process.platform === 'win32') {
    const file = path.join(dir, `${name}.cmd`);
    writeFileSync(file, '@exit /b 0\r\n');
    return file;
  }
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return file;
}

import { Chalk, type ChalkInstance } from 'chalk';

export interface ColorEnv {
  noColorFlag: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** --no-color and NO_COLOR (any non-empty value) win; then FORCE_COLOR; else colour only on a TTY. */
export function colorEnabled(stream: { isTTY?: boolean }, { noColorFlag, env }: ColorEnv): boolean {
  if (noColorFlag || env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR);
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export type Style = ChalkInstance;

export function createStyle(enabled: boolean): Style {
  return new Chalk({ level: enabled ? 1 : 0 });
}

const GOOD = new Set(['online', 'running', 'healthy', 'ok', 'success', 'complete', 'active', 'pass', 'found']);
const BAD = new Set(['errored', 'stopped', 'exited', 'dead', 'failed', 'unhealthy', 'fail', 'missing', 'rejected', 'down']);

/** Colours a state word: green when good, red when bad, yellow otherwise. */
export function paintState(style: Style, state: string): string {
  const key = state.toLowerCase();
  if (GOOD.has(key)) return style.green(state);
  if (BAD.has(key)) return style.red(state);
  return style.yellow(state);
}

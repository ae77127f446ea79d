import type { Chalk, ChalkInstance } from 'chalk';

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

/**
 * Chalk at level 0 without chalk: every style is the text itself (as chalk joins several arguments). Not a
 * thenable (no `then`), or awaiting it would never settle.
 */
const PLAIN: Style = new Proxy((...text: unknown[]) => (text.length === 1 ? `${text[0] as string}` : text.join(' ')), {
  get: (_target, key) => (key === 'level' ? 0 : key === 'then' || typeof key === 'symbol' ? undefined : PLAIN),
}) as unknown as Style;

let chalk: typeof Chalk | undefined;

/**
 * The style for a stream: chalk loads only when colour is on (its module and node:tty are a few ms of
 * every start, for output that is piped, redirected or NO_COLOR).
 */
export async function loadStyle(enabled: boolean): Promise<Style> {
  if (enabled) chalk ??= (await import('chalk')).Chalk;
  return createStyle(enabled);
}

/** Plain, or coloured once loadStyle(true) has loaded chalk. */
export function createStyle(enabled: boolean): Style {
  if (!enabled) return PLAIN;
  if (!chalk) throw new Error('createStyle(true) before loadStyle(true) was awaited: chalk is not loaded.');
  return new chalk({ level: 1 });
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

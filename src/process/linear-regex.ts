import type { RE2JS } from 're2js';

/** What the callers of a user's regex need of it. */
export interface TextTest {
  test(text: string): boolean;
}

/** The pattern is valid JavaScript but needs backtracking (a backreference, a lookaround). */
export class NotLinearError extends Error {}

let engine: { RE2JS: typeof RE2JS } | undefined;

/**
 * Sets V8's fallback flags and loads RE2JS (274 KB, a tenth of what `logs -n 20` would otherwise compile),
 * so commands that compile no user regex do not pay for it. Await it before compileLinear().
 */
export async function loadLinearRegex(): Promise<void> {
  if (engine) return;
  const [{ setFlagsFromString }, re2js] = await Promise.all([import('node:v8'), import('re2js')]);
  // Flags read when a regex is compiled and run: set before the first user pattern is made.
  setFlagsFromString('--enable-experimental-regexp-engine');
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  engine = re2js;
}

/**
 * A regex from the user (--grep, a runbook's `matches`) that runs in time linear in the text, so one
 * hostile log line cannot hang opsctl past Ctrl-C and --timeout (a match runs synchronously).
 *
 * - Patterns V8's linear-time engine accepts run on V8's usual engine, at full speed and with
 *   JavaScript's exact semantics; V8 switches a match to its linear engine once it backtracks too much
 *   (--enable-experimental-regexp-engine-on-excessive-backtracks). That covers nearly every --grep.
 * - The rest (ignore-case and counted repeats such as {1,64}, which V8 20's linear engine lacks) run
 *   on RE2JS, a pure-JavaScript RE2: linear by construction and bundles into the single executable,
 *   where the native `re2` addon would not; several times slower, so it is the second choice.
 * - A backreference or lookaround has no linear-time engine: refused (NotLinearError).
 * Throws SyntaxError for a pattern that is not a valid JavaScript regex.
 */
export function compileLinear(source: string, ignoreCase = false): TextTest {
  if (!engine) throw new Error('compileLinear() ran before loadLinearRegex() was awaited: the fallback flags are not set.');
  const { RE2JS } = engine;
  const native = new RegExp(source, ignoreCase ? 'i' : '');
  if (!ignoreCase && runsLinearInV8(source)) return native;
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(RE2JS.translateRegExp(source), ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch {
    throw new NotLinearError('it needs backtracking (a backreference such as \\1, a lookahead or a lookbehind), which can take exponential time on one line');
  }
  return { test: (text) => re2.test(text) };
}

/** The "l" flag compiles only what V8's linear engine can run (it is the fallback's engine too). */
function runsLinearInV8(source: string): boolean {
  try {
    new RegExp(source, 'l');
    return true;
  } catch {
    return false;
  }
}

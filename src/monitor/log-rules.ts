import { formatDuration, parseDuration } from '../config/duration.js';
import type { LogRuleConfig } from '../config/schema.js';
import type { SelectedEnvironment } from '../config/select.js';
import { ConfigError } from '../errors.js';
import type { PlannedProbe } from '../health/check.js';
import type { Attempt } from '../health/http.js';
import { byThreshold } from '../health/types.js';
import { LEVELS } from '../logs/levels.js';
import type { Criteria } from '../logs/entry.js';
import { createMatcher, DEFAULT_CORRELATION_FIELDS } from '../logs/matcher.js';
import { resolveSources } from '../logs/sources.js';
import { compileLinear, type TextTest } from '../process/linear-regex.js';
import type { Runner } from '../process/runner.js';
import { parseCondition, type Condition } from './condition.js';

export interface RuleDeps {
  runner: Runner;
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  warn(message: string): void;
  debug(message: string): void;
}

interface Tally {
  matched: number;
  of: number;
}

/** alerts.rules as probes of the monitor: each round reads its window of the logs (through src/logs) and is judged. */
export function logRuleProbes(env: SelectedEnvironment, deps: RuleDeps): PlannedProbe[] {
  const rules = env.config.alerts?.rules ?? [];
  return rules.map((rule, index) => {
    const key = `alerts.rules[${index}]`;
    const grep = rule.grep === undefined ? undefined : compileRuleRegex(rule.grep, `${key}.grep`);
    const ratio = rule.ratio && { of: parseCondition(rule.ratio.of, `${key}.ratio.of`), over: parseCondition(rule.ratio.over, `${key}.ratio.over`) };
    const windowMs = parseDuration(rule.window)!;
    return {
      name: rule.name,
      kind: 'log-rule',
      retries: 1,
      attempt: async (signal) => judge(rule, await tally(env, deps, rule, { grep, ratio, windowMs }, signal), windowMs),
    };
  });
}

function compileRuleRegex(pattern: string, key: string): TextTest {
  try {
    // Case-insensitive, as grep -i: "Rate limit exceeded" and "rate-limit exceeded" alike.
    return compileLinear(pattern, true);
  } catch (error) {
    throw new ConfigError(`${key}: /${pattern}/ cannot be used: ${(error as Error).message}.`, 'Write a regex without backreferences or lookarounds.');
  }
}

async function tally(env: SelectedEnvironment, deps: RuleDeps, rule: LogRuleConfig, compiled: { grep?: TextTest; ratio?: { of: Condition; over: Condition }; windowMs: number }, signal: AbortSignal): Promise<Tally> {
  const criteria: Criteria = {
    ...(rule.level ? { minLevel: LEVELS[rule.level] } : {}),
    ...(compiled.grep ? { grep: compiled.grep } : {}),
    correlationFields: env.config.logs?.correlationFields ?? DEFAULT_CORRELATION_FIELDS,
    since: deps.now() - compiled.windowMs,
  };
  const sourceDeps = {
    criteria,
    matcherFor: (label: string) => createMatcher(criteria, label),
    runner: deps.runner,
    env: deps.env,
    signal,
    warn: deps.warn,
    debug: deps.debug,
    now: deps.now,
    unread: (name: string) => deps.debug(`alerts rule ${rule.name}: ${name} could not be read`),
  };
  const counts: Tally = { matched: 0, of: 0 };
  for (const source of await resolveSources(env, sourceDeps, rule.sources ?? [])) {
    for await (const entries of source.history({ follow: false })) {
      for (const entry of entries) {
        if (!compiled.ratio) counts.matched += 1;
        else if (compiled.ratio.over(entry.record)) {
          counts.of += 1;
          if (compiled.ratio.of(entry.record)) counts.matched += 1;
        }
      }
    }
  }
  return counts;
}

function judge(rule: LogRuleConfig, counts: Tally, windowMs: number): Attempt {
  const window = formatDuration(windowMs);
  const target = `logs, last ${window}`;
  if (rule.ratio) {
    const ratio = counts.of === 0 ? 0 : counts.matched / counts.of;
    const state = byThreshold(ratio, rule.warn, rule.crit);
    const limit = state === 'unhealthy' ? `, critical above ${percent(rule.crit!)}` : state === 'degraded' ? `, warning above ${percent(rule.warn!)}` : '';
    const reason = `${percent(ratio)} of ${counts.of} records (${counts.matched}) match ${rule.ratio.of} in ${window}${limit}`;
    return { kind: 'log-rule', target, state, value: Number((ratio * 100).toFixed(2)), unit: '%', reason, details: counts as unknown as Record<string, unknown> };
  }
  const state = byThreshold(counts.matched, rule.warn, rule.max);
  const what = [rule.level ? `level ${rule.level}+` : '', rule.grep ? `/${rule.grep}/` : ''].filter(Boolean).join(' ');
  const limit = state === 'unhealthy' ? ` (max ${rule.max})` : state === 'degraded' ? ` (warning above ${rule.warn})` : '';
  return { kind: 'log-rule', target, state, value: counts.matched, unit: 'records', reason: `${counts.matched} records matching ${what} in ${window}${limit}` };
}

function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(2))}%`;
}

import { registerSecret, registerUrlSecrets } from '../process/redact.js';
import { ConfigError } from '../errors.js';

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const SECRET_NAME = /PASS|SECRET|TOKEN|KEY|WEBHOOK|DSN|CREDENTIAL|AUTH/i;

/** OPSCTL_* names other than OPSCTL_ENV are set by opsctl itself when it runs a step (OPSCTL_RELEASE). */
export function isRuntimeVariable(name: string): boolean {
  return name.startsWith('OPSCTL_') && name !== 'OPSCTL_ENV';
}

/**
 * Replaces ${NAME} in every string. Unset and empty names stay as written: they are an error only
 * when a command needs that value (see requireResolved), so `status` works without DATABASE_URL.
 */
export function interpolate(value: unknown, vars: Readonly<Record<string, string | undefined>>): unknown {
  if (typeof value === 'string') return interpolateString(value, vars);
  if (Array.isArray(value)) return value.map((item) => interpolate(item, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolate(item, vars)]));
  }
  return value;
}

function interpolateString(text: string, vars: Readonly<Record<string, string | undefined>>): string {
  return text.replace(VARIABLE, (whole, name: string) => {
    const found = isRuntimeVariable(name) ? undefined : vars[name];
    // Empty counts as unset: CI systems pass a missing secret as "".
    if (!found) return whole;
    registerUrlSecrets(found);
    if (SECRET_NAME.test(name)) registerSecret(found);
    return found;
  });
}

function unsetNames(text: string): string[] {
  return [...text.matchAll(VARIABLE)].map((m) => m[1]!).filter((name) => !isRuntimeVariable(name));
}

/** The value, or a ConfigError naming the first unset variable and the key that needs it. */
export function requireResolved(value: string, key: string, envFile: string): string {
  const missing = unsetNames(value);
  if (missing.length === 0) return value;
  const names = missing.map((n) => '${' + n + '}').join(', ');
  throw new ConfigError(`${key}: ${names} is not set.`, `Set ${missing[0]} in the environment or in ${envFile}.`);
}

/** Every key below `value` whose string still holds an unset ${NAME}, with those names. */
export function listUnresolved(value: unknown, path: string): { key: string; names: string[] }[] {
  if (typeof value === 'string') {
    const names = unsetNames(value);
    return names.length > 0 ? [{ key: path, names }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => listUnresolved(item, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => listUnresolved(item, path ? `${path}.${key}` : key));
  }
  return [];
}

import type { Verdict } from './types.js';

/**
 * Numeric bounds on a JSON value, as the manuals check `jq '.hit_rate'` against a threshold:
 * below min or above max is unhealthy, below degradedBelow or above degradedAbove is degraded.
 */
export interface Bounds {
  min?: number;
  max?: number;
  degradedBelow?: number;
  degradedAbove?: number;
}

const BOUND_KEYS = new Set(['min', 'max', 'degradedBelow', 'degradedAbove']);

/** An expectation object made only of bound keys with numbers: `{ min: 0.9, degradedBelow: 0.95 }`. */
export function isBounds(value: unknown): value is Bounds {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([key, bound]) => BOUND_KEYS.has(key) && typeof bound === 'number');
}

export function checkBounds(path: string, got: unknown, bounds: Bounds): Verdict {
  // A number sent as text ("0.93") is read as one: many health endpoints format their figures.
  const value = typeof got === 'number' ? got : typeof got === 'string' && got.trim() !== '' ? Number(got) : Number.NaN;
  if (!Number.isFinite(value)) return { state: 'unhealthy', reason: `${path} is ${JSON.stringify(got)}, expected a number ${describeBounds(bounds)}` };
  if (bounds.min !== undefined && value < bounds.min) return { state: 'unhealthy', reason: `${path} is ${value}, below the minimum ${bounds.min}` };
  if (bounds.max !== undefined && value > bounds.max) return { state: 'unhealthy', reason: `${path} is ${value}, above the maximum ${bounds.max}` };
  if (bounds.degradedBelow !== undefined && value < bounds.degradedBelow) return { state: 'degraded', reason: `${path} is ${value}, below ${bounds.degradedBelow}` };
  if (bounds.degradedAbove !== undefined && value > bounds.degradedAbove) return { state: 'degraded', reason: `${path} is ${value}, above ${bounds.degradedAbove}` };
  return { state: 'healthy' };
}

export function describeBounds(bounds: Bounds): string {
  const parts = [
    bounds.min !== undefined ? `>= ${bounds.min}` : '',
    bounds.max !== undefined ? `<= ${bounds.max}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' and ') : 'number';
}

/** --only of health-check and monitor: probe names or groups, comma-separated; undefined when not given. */
export function parseList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((word) => word.trim())
    .filter(Boolean);
}

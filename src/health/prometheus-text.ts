/**
 * The Prometheus text exposition format (version 0.0.4), as prom-client and every exporter write it:
 * `# HELP` / `# TYPE` comments, then `name{label="value",...} value [timestamp]` per line. Label values
 * escape backslash, double quote and newline. No npm parser of it is maintained (the one there was last
 * published years ago), so this small exact one is ours; it is tested on prom-client's real output.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A config key: `cache_hit_rate` or `http_requests_total{code="500",method="GET"}`. */
export interface Selector {
  name: string;
  labels: Record<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Every sample of the text; a line that does not parse is skipped (counted in `skipped`). */
export function parsePrometheusText(text: string): { samples: Sample[]; skipped: number } {
  const samples: Sample[] = [];
  let skipped = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseSampleLine(line);
    if (sample) samples.push(sample);
    else skipped += 1;
  }
  return { samples, skipped };
}

function parseSampleLine(line: string): Sample | undefined {
  const head = parseSeries(line);
  if (!head) return undefined;
  const [valueText] = line.slice(head.end).trim().split(/\s+/);
  const value = parseValue(valueText ?? '');
  return value === undefined ? undefined : { name: head.name, labels: head.labels, value };
}

/** A series name and its labels at the start of `text`, and where they end. */
function parseSeries(text: string): (Selector & { end: number }) | undefined {
  const name = NAME.exec(text)?.[0];
  if (!name) return undefined;
  let at = name.length;
  const labels: Record<string, string> = {};
  if (text[at] !== '{') return { name, labels, end: at };
  at += 1;
  for (;;) {
    while (text[at] === ' ' || text[at] === ',') at += 1;
    if (text[at] === '}') return { name, labels, end: at + 1 };
    const label = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(at))?.[0];
    if (!label || text[at + label.length] !== '=' || text[at + label.length + 1] !== '"') return undefined;
    at += label.length + 2;
    let value = '';
    for (; at < text.length && text[at] !== '"'; at += 1) {
      if (text[at] === '\\') {
        at += 1;
        value += text[at] === 'n' ? '\n' : (text[at] ?? '');
      } else value += text[at];
    }
    if (at >= text.length) return undefined;
    labels[label] = value;
    at += 1;
  }
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (text === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** The series a config key names, or undefined when the key is not `name` or `name{label="value",...}`. */
export function parseSelector(key: string): Selector | undefined {
  const series = parseSeries(key.trim());
  return series && series.end === key.trim().length ? { name: series.name, labels: series.labels } : undefined;
}

/** The samples of that name whose labels include every label of the selector. */
export function selectSamples(samples: readonly Sample[], selector: Selector): Sample[] {
  return samples.filter((s) => s.name === selector.name && Object.entries(selector.labels).every(([key, value]) => s.labels[key] === value));
}

// Time per MB at growing input sizes: linear code keeps it flat. Shared by bench/redact.mjs and bench/config.mjs.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { median } from './measure.mjs';

/** --sizes 1,10,100 (MB), --runs N, --max-ratio R, --json: the options of a per-MB bench. */
export function perMbOptions(usage) {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1,10,100' },
      runs: { type: 'string', default: '3' },
      'max-ratio': { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const sizes = values.sizes.split(',').map(Number);
  if (sizes.some((s) => !(s > 0))) throw new Error(`--sizes ${values.sizes}: give sizes in MB, e.g. 1,10,100.\n${usage}`);
  return { sizes, runs: Math.max(1, Number(values.runs) || 1), maxRatio: Number(values['max-ratio']), json: values.json };
}

/**
 * Runs `measure(mb)` (returns milliseconds) `runs` times per size and compares the median time per MB
 * of the largest size with that of the smallest, measured in the same run. Exit 0 when the ratio is
 * at most maxRatio (linear, allowing for cache and GC effects), 1 when it is above.
 */
export async function reportPerMb(title, cases, options) {
  const rows = [];
  for (const { name, measure } of cases) {
    for (const mb of options.sizes) {
      const samples = [];
      for (let i = 0; i < options.runs; i += 1) samples.push(await measure(mb));
      rows.push({ case: name, mb, medianMs: median(samples), msPerMb: median(samples) / mb });
    }
  }
  const verdicts = cases.map(({ name }) => {
    const mine = rows.filter((r) => r.case === name);
    const ratio = mine.at(-1).msPerMb / mine[0].msPerMb;
    return { case: name, ratio, ok: ratio <= options.maxRatio };
  });
  const loadavg = readLoad();
  if (options.json) console.log(JSON.stringify({ title, node: process.version, loadavg, rows, verdicts }, null, 2));
  else {
    console.log(`${title} (node ${process.version}, load ${loadavg})`);
    for (const r of rows) console.log(`  ${r.case.padEnd(34)} ${String(r.mb).padStart(4)} MB  ${r.medianMs.toFixed(0).padStart(8)} ms  ${r.msPerMb.toFixed(1).padStart(8)} ms/MB`);
    for (const v of verdicts) console.log(`  ${v.case}: ms/MB at ${options.sizes.at(-1)} MB is ${v.ratio.toFixed(2)}x that at ${options.sizes[0]} MB (goal <= ${options.maxRatio}x): ${v.ok ? 'linear' : 'NOT linear'}`);
  }
  process.exitCode = verdicts.every((v) => v.ok) ? 0 : 1;
}

function readLoad() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

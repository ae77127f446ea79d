// Plain-text rendering of a bench result: the timing table, the module counts, the goal and its verdict.

const fmt = (value, digits = 1) => (value === undefined ? '-' : value.toFixed(digits));
const ratio = (value) => (value === undefined ? '' : `${value.toFixed(2)}x`);

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderText(result) {
  const { machine } = result;
  const rss = result.rss.measured;
  const header = ['command', 'median ms', 'p90 ms', 'min ms', 'vs baseline (median)', 'vs baseline (min)', ...(rss ? ['peak RSS MB'] : [])];
  const rows = result.commands.map((c) => [
    c.label,
    fmt(c.median),
    fmt(c.p90),
    fmt(c.min),
    c.baseline ? `${ratio(c.ratio)} ${c.baseline}` : 'baseline',
    c.baseline ? ratio(c.ratioMin) : '',
    ...(rss ? [fmt(c.rssMb)] : []),
  ]);
  const modules = Object.entries(result.modules).map(([label, m]) => {
    const own = m.own.length <= 5 ? m.own.join(', ') : `${m.own.length} own files`;
    const deps = m.packages.length <= 3 ? m.packages.join(', ') : `${m.packages.length} packages`;
    return `  ${label}: ${m.files} files (${own}; ${m.dependencyFiles} from ${deps || 'no package'}); command modules: ${m.commandModules.join(', ') || 'none'}`;
  });
  return [
    `opsctl startup bench: node ${machine.node}, ${machine.cpus} cores (${machine.cpuModel}), ${machine.platform} ${machine.release}`,
    `${result.runs} timed runs per command after ${result.warmup} warm-up rounds, commands interleaved round by round.`,
    '',
    table(header, rows),
    rss ? `peak RSS: median of ${result.rss.runs} separate runs under ${result.rss.tool} -f %M` : `peak RSS: not measured (${result.rss.note})`,
    '',
    'modules loaded (file modules, traced by node --import bench/lib/module-trace.mjs):',
    ...modules,
    '',
    ...result.goals.map((goal) => `goal: ${goal.command} within ${goal.maxRatio}x of ${goal.baseline} (median): ${ratio(goal.ratio)} -> ${goal.met ? 'MET' : 'MISSED'}`),
    `lazy loading: --version and --help load no command module -> ${result.lazy.ok ? 'OK' : `FAILED (${result.lazy.loaded.join(', ')})`}`,
    `verdict: ${result.verdict.toUpperCase()}`,
  ].join('\n');
}

// `npm run bench:config`: the YAML parsing behind opsctl.yaml and runbooks (parseYamlText) on 1, 10 and
// 100 MB, to show it stays linear (the yaml package's own duplicate-key check made 5 MB take 116 s and
// 50 MB run out of heap). The CLI refuses files above 1 MiB before parsing; this measures the parser
// itself, past that cap. Exit codes: 0 linear, 1 time per MB grew more than --max-ratio, 2 bench could not run.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { warnIfStale } from './lib/cli.mjs';
import { perMbOptions, reportPerMb } from './lib/per-mb.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: node bench/config.mjs [--sizes 1,10,100] [--runs N] [--max-ratio R] [--json]`;
const MB = 1024 * 1024;

/** One environment of a realistic config, repeated under unique names to `mb` MB. */
function configText(mb) {
  const parts = ['version: 1\napp: api\nenvironments:\n'];
  let size = parts[0].length;
  for (let i = 0; size < mb * MB; i += 1) {
    const env = `  env${i}:\n    target: { pm2: { name: api-${i}, script: dist/server.js, instances: 2 } }\n    health:\n      endpoints:\n        - { name: api, url: "http://127.0.0.1:${3000 + (i % 1000)}/health", expect: { status: 200 } }\n    logs: { files: [/var/log/api/${i}.log], pm2: false }\n`;
    parts.push(env);
    size += env.length;
  }
  return parts.join('');
}

try {
  warnIfStale(ROOT, 'config/yaml-text.js');
  const options = perMbOptions(USAGE);
  const { parseYamlText } = await import(pathToFileURL(path.join(ROOT, 'dist', 'config', 'yaml-text.js')).href);
  await reportPerMb(
    'parseYamlText() (opsctl.yaml, runbooks)',
    [
      {
        name: 'environments with unique keys',
        measure: (mb) => {
          const text = configText(mb);
          const start = performance.now();
          parseYamlText(text);
          return performance.now() - start;
        },
      },
    ],
    options,
  );
} catch (error) {
  console.error(error.message);
  process.exitCode = 2;
}

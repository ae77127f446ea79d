// Preloaded with `node --import`: logs every module the process loads to $OPSCTL_BENCH_MODULE_LOG.
// ESM modules come from a load hook; CommonJS files required by other CommonJS files (commander's lib/*.js)
// skip the hooks in Node 20, so the require cache is added at exit.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const logFile = process.env.OPSCTL_BENCH_MODULE_LOG;
if (logFile) {
  register('./module-hooks.mjs', import.meta.url, { data: { logFile } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    const files = Object.keys(require.cache).map((file) => pathToFileURL(file).href);
    if (files.length > 0) appendFileSync(logFile, `${files.join('\n')}\n`);
  });
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export interface DetectedHttp {
  port: number;
  /** The health-like route the code serves, else "/". */
  route: string;
  /** Where the port was read, for the config's comment: "ecosystem.config.js env PORT". */
  from: string;
}

export interface HttpHints {
  compose?: { file: string; service: string };
  ecosystemFile?: string;
  dotenv: Readonly<Record<string, string>>;
  scripts: Readonly<Record<string, unknown>>;
}

// Bounds on the scan of the app's code: a few hundred source files of a normal app, nothing vendored.
const MAX_FILES = 300;
const MAX_BYTES = 256 * 1024;
const SKIP = new Set(['node_modules', 'dist', 'build', 'coverage', '.git', '.opsctl', 'backups']);
const CODE = /\.(?:[cm]?js|[cm]?ts)$/;
const ROUTE = /['"`](\/(?:api\/)?(?:healthz?|health-?check|readyz?|livez?|status|ping))['"`]/;
const LISTEN = /\.listen\(\s*(\d{2,5})\b|\bPORT\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})\b/;

/** The port the app listens on, read from what runs it (pm2 env, compose ports, .env, npm scripts), else its code. */
export function detectHttp(dir: string, hints: HttpHints): DetectedHttp | undefined {
  const code = codeFiles(dir);
  const found = fromCompose(dir, hints.compose) ?? fromEcosystem(dir, hints.ecosystemFile) ?? fromDotenv(hints.dotenv) ?? fromScripts(hints.scripts) ?? fromCode(code);
  if (!found) return undefined;
  const route = code.map((c) => ROUTE.exec(c.text)?.[1]).find(Boolean) ?? '/';
  return { ...found, route };
}

type Found = Omit<DetectedHttp, 'route'> | undefined;
const port = (text: string | undefined): number | undefined => (text && Number(text) > 0 && Number(text) < 65536 ? Number(text) : undefined);

/** The host side of the service's first published port ("8080:3000", "127.0.0.1:8080:3000", { published }). */
function fromCompose(dir: string, compose: HttpHints['compose']): Found {
  if (!compose) return undefined;
  try {
    const doc = YAML.parse(readFileSync(path.join(dir, compose.file), 'utf8')) as { services?: Record<string, { ports?: unknown[] }> };
    for (const entry of doc.services?.[compose.service]?.ports ?? []) {
      const published = typeof entry === 'object' && entry ? String((entry as { published?: unknown }).published ?? '') : /^(?:[\d.]+:)?(\d+):\d+/.exec(String(entry))?.[1];
      const found = port(published);
      if (found) return { port: found, from: `${compose.file} ports of ${compose.service}` };
    }
  } catch {
    // detectCompose already said what it could; no port is no endpoint.
  }
  return undefined;
}

function fromEcosystem(dir: string, file: string | undefined): Found {
  if (!file) return undefined;
  const found = port(/\bPORT['"]?\s*:\s*['"]?(\d{2,5})\b/.exec(readFileSync(path.join(dir, file), 'utf8'))?.[1]);
  return found ? { port: found, from: `${file} env PORT` } : undefined;
}

function fromDotenv(dotenv: HttpHints['dotenv']): Found {
  const found = port(dotenv.PORT);
  return found ? { port: found, from: '.env PORT' } : undefined;
}

function fromScripts(scripts: HttpHints['scripts']): Found {
  for (const name of ['start', 'serve', 'dev']) {
    const script = scripts[name];
    const found = typeof script === 'string' ? port(/\bPORT=(\d{2,5})\b|--port[= ](\d{2,5})\b/.exec(script)?.slice(1).find(Boolean)) : undefined;
    if (found) return { port: found, from: `package.json scripts.${name}` };
  }
  return undefined;
}

function fromCode(code: readonly { file: string; text: string }[]): Found {
  for (const { file, text } of code) {
    const found = port(LISTEN.exec(text)?.slice(1).find(Boolean));
    if (found) return { port: found, from: `the listen call in ${file}` };
  }
  return undefined;
}

/** Source files breadth first (the entry point is usually near the top), bounded in count and size. */
function codeFiles(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const queue = [''];
  for (let seen = 0; queue.length > 0 && seen < MAX_FILES * 4; seen++) {
    const rel = queue.shift()!;
    let entries;
    try {
      entries = readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory() && !SKIP.has(entry.name) && !entry.name.startsWith('.')) queue.push(child);
      else if (entry.isFile() && CODE.test(entry.name) && out.length < MAX_FILES && statSync(path.join(dir, child)).size <= MAX_BYTES) {
        out.push({ file: child, text: readFileSync(path.join(dir, child), 'utf8') });
      }
    }
  }
  return out;
}

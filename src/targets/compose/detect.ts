import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export interface ComposeService {
  name: string;
  image?: string;
  build: boolean;
}

export interface DetectedCompose {
  file: string;
  /** The project docker compose uses by default: the file's top-level name, else the folder's name. */
  project: string;
  services: ComposeService[];
  /** The service opsctl should deploy and scale: the first one built here, else the first that is not infrastructure. */
  app?: ComposeService;
}

const FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

// Images that are the app's infrastructure, not the app.
const INFRASTRUCTURE = /^(?:[\w.-]+\/)?(postgres|postgis|mysql|mariadb|mongo|redis|valkey|memcached|nginx|traefik|caddy|haproxy|rabbitmq|elasticsearch|adminer|mailhog)(?::|$)/i;

export function detectCompose(dir: string): DetectedCompose | undefined {
  const file = FILES.find((name) => existsSync(path.join(dir, name)));
  if (!file) return undefined;
  const doc = parseCompose(readFileSync(path.join(dir, file), 'utf8'));
  const services = parseServices(doc);
  const app = services.find((s) => s.build) ?? services.find((s) => !s.image || !INFRASTRUCTURE.test(s.image)) ?? services[0];
  const named = (doc as { name?: unknown } | undefined)?.name;
  const project = typeof named === 'string' ? named : composeProjectName(path.basename(path.resolve(dir)));
  return { file, project, services, ...(app ? { app } : {}) };
}

/**
 * The repository of a compose `image:` (ghcr.io/acme/web:1.4.2 -> ghcr.io/acme/web), as target.compose.image
 * wants it: deploy appends `:<sha>`. The tag is a `:` after the last `/` (a registry's port comes before it);
 * a digest follows `@`. Undefined when the repository itself is a variable only compose can fill in.
 */
export function imageRepository(image: string): string | undefined {
  const undigested = image.split('@')[0]!;
  const colon = undigested.indexOf(':', undigested.lastIndexOf('/') + 1);
  const repository = colon < 0 ? undigested : undigested.slice(0, colon);
  return repository === '' || repository.includes('$') ? undefined : repository;
}

/** docker compose's default project name for a folder: lower case, only a-z 0-9 _ -. */
export function composeProjectName(folder: string): string {
  return folder.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '') || 'app';
}

function parseCompose(text: string): unknown {
  try {
    return YAML.parse(text);
  } catch {
    // A compose file opsctl cannot read is the user's to fix; init still writes the rest.
    return undefined;
  }
}

export function parseServices(doc: unknown): ComposeService[] {
  const services = (doc as { services?: unknown } | null)?.services;
  if (!services || typeof services !== 'object') return [];
  return Object.entries(services as Record<string, unknown>).map(([name, raw]) => {
    const service = (raw ?? {}) as { image?: unknown; build?: unknown };
    return { name, ...(typeof service.image === 'string' ? { image: service.image } : {}), build: service.build !== undefined };
  });
}

import { command, type Command } from './command.js';

/** What opsctl knows about each external tool it may run: how to ask its version and how to install it. */
export interface ToolInfo {
  name: string;
  versionCommand: Command;
  install: string;
}

const POSTGRES_HINT = 'Install the PostgreSQL client tools (Debian/Ubuntu: apt-get install postgresql-client; Windows: the installer from postgresql.org) and put them on PATH.';
const MONGO_HINT = 'Install the MongoDB Database Tools (https://www.mongodb.com/try/download/database-tools) and put them on PATH.';

function probe(file: string, args: string[]): Command {
  return command(file, args, { readOnly: true });
}

export const TOOLS: readonly ToolInfo[] = [
  { name: 'git', versionCommand: probe('git', ['--version']), install: 'Install git (https://git-scm.com/downloads).' },
  { name: 'docker', versionCommand: probe('docker', ['--version']), install: 'Install Docker Engine or Docker Desktop (https://docs.docker.com/engine/install/).' },
  { name: 'docker compose', versionCommand: probe('docker', ['compose', 'version', '--short']), install: 'Install the Docker Compose plugin (apt-get install docker-compose-plugin) or docker-compose.' },
  { name: 'docker-compose', versionCommand: probe('docker-compose', ['version', '--short']), install: 'Install the Docker Compose plugin (apt-get install docker-compose-plugin) or docker-compose.' },
  { name: 'pm2', versionCommand: probe('pm2', ['--version']), install: 'Install pm2: npm install -g pm2' },
  { name: 'pg_dump', versionCommand: probe('pg_dump', ['--version']), install: POSTGRES_HINT },
  { name: 'pg_restore', versionCommand: probe('pg_restore', ['--version']), install: POSTGRES_HINT },
  { name: 'psql', versionCommand: probe('psql', ['--version']), install: POSTGRES_HINT },
  { name: 'mongodump', versionCommand: probe('mongodump', ['--version']), install: MONGO_HINT },
  { name: 'mongorestore', versionCommand: probe('mongorestore', ['--version']), install: MONGO_HINT },
  { name: 'mongosh', versionCommand: probe('mongosh', ['--version']), install: 'Install the MongoDB Shell (https://www.mongodb.com/try/download/shell) and put mongosh on PATH.' },
  { name: 'age', versionCommand: probe('age', ['--version']), install: 'Install age (Debian/Ubuntu: apt-get install age; Windows: the release from https://github.com/FiloSottile/age/releases) and put it on PATH.' },
  { name: 'rclone', versionCommand: probe('rclone', ['version']), install: 'Install rclone (Debian/Ubuntu: apt-get install rclone; others: https://rclone.org/install/) and put it on PATH.' },
  { name: 'redis-cli', versionCommand: probe('redis-cli', ['--version']), install: 'Install the Redis command-line client (Debian/Ubuntu: apt-get install redis-tools; Windows: Memurai or WSL).' },
];

export function installHint(file: string): string {
  const tool = TOOLS.find((t) => t.name === file || t.versionCommand.file === file);
  return tool?.install ?? `Install ${file} and make sure it is on PATH.`;
}

/** The first version-looking token of a tool's --version output ("psql (PostgreSQL) 15.18" -> "15.18"). */
export function parseVersion(output: string): string | undefined {
  return /\bv?(\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?)/.exec(output)?.[1];
}

import type { EnvironmentConfig } from '../config/schema.js';
import { databaseAdapter } from '../databases/index.js';

/** A need is a tool name from TOOLS, or one of the daemon checks below. */
export type Need = string;
export const COMPOSE = 'compose';
export const DOCKER_ENGINE = 'docker engine';
export const SWARM = 'swarm mode';

/** What an environment's config needs to work: its target's tools and daemons, git, the database clients. */
export function needsOf(config: EnvironmentConfig): Set<Need> {
  const needs = new Set<Need>();
  const { target } = config;
  if (target.pm2) needs.add('pm2');
  if (target.compose) [COMPOSE, 'docker', DOCKER_ENGINE].forEach((n) => needs.add(n));
  if (target.swarm) ['docker', DOCKER_ENGINE, SWARM].forEach((n) => needs.add(n));
  if (config.source) needs.add('git');
  for (const db of Object.values(config.databases)) databaseAdapter(db.type).tools.backup.forEach((n) => needs.add(n));
  // health-check pings its databases with their shell clients.
  for (const name of config.health.databases) {
    const type = config.databases[name]?.type;
    if (type) databaseAdapter(type).tools.probe.forEach((n) => needs.add(n));
  }
  return needs;
}

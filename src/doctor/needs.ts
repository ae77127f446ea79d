import type { EnvironmentConfig } from '../config/schema.js';
import { databaseAdapter } from '../databases/index.js';
import { kindModule } from '../targets/registry.js';

/** A need is a tool name from TOOLS, or the name of a daemon check (the target kinds name theirs). */
export type Need = string;

/** What an environment's config needs to work: its target's tools and daemons, git, the database clients, the backup's tools. */
export function needsOf(config: EnvironmentConfig): Set<Need> {
  const needs = new Set<Need>();
  kindModule(config.target).doctorNeeds.forEach((n) => needs.add(n));
  if (config.source) needs.add('git');
  for (const db of Object.values(config.databases)) databaseAdapter(db.type).tools.backup.forEach((n) => needs.add(n));
  // health-check pings its databases with their shell clients.
  for (const name of config.health.databases) {
    const type = config.databases[name]?.type;
    if (type) databaseAdapter(type).tools.probe.forEach((n) => needs.add(n));
  }
  // Without them a backup fails half-way: after the dump when uploading, at the first part when encrypting.
  if (config.backup?.remotes.length) needs.add('rclone');
  if (config.backup?.encrypt) needs.add('age');
  return needs;
}

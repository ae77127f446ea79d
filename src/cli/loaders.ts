import type { CommandModule } from '../context.js';
import type { CommandName } from '../registry/commands.js';

/**
 * One static import() per command: esbuild bundles exactly these into the single executable (a computed
 * path would be an empty glob there). Only cli/ holds them; a command that needs another command's
 * module (a runbook step's renderer) gets it through ctx.loadCommand, so no import goes back up.
 */
const LOADERS: Record<CommandName, () => Promise<CommandModule>> = {
  status: () => import('../commands/status.js'),
  'health-check': () => import('../commands/health-check.js'),
  monitor: () => import('../commands/monitor.js'),
  logs: () => import('../commands/logs.js'),
  doctor: () => import('../commands/doctor.js'),
  deploy: () => import('../commands/deploy.js'),
  rollback: () => import('../commands/rollback.js'),
  scale: () => import('../commands/scale.js'),
  restart: () => import('../commands/restart.js'),
  stop: () => import('../commands/stop.js'),
  start: () => import('../commands/start.js'),
  history: () => import('../commands/history.js'),
  backup: () => import('../commands/backup.js'),
  restore: () => import('../commands/restore.js'),
  cleanup: () => import('../commands/cleanup.js'),
  lock: () => import('../commands/lock.js'),
  schedule: () => import('../commands/schedule.js'),
  runbook: () => import('../commands/runbook.js'),
  migrate: () => import('../commands/migrate.js'),
  exec: () => import('../commands/exec.js'),
  db: () => import('../commands/db.js'),
  init: () => import('../commands/init.js'),
  completion: () => import('../commands/completion.js'),
};

/** The module of a command; undefined for a name that is no command. */
export async function loadCommand(name: string): Promise<CommandModule | undefined> {
  return Object.hasOwn(LOADERS, name) ? LOADERS[name as CommandName]() : undefined;
}

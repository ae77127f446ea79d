import { Command, Option } from 'commander';
import { VERSION } from '../version.js';

/** The global options as commander parses them: valid before and after any command. */
export interface GlobalOptions {
  env?: string;
  environment?: string;
  config?: string;
  json?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  color: boolean;
  verbose?: boolean;
  quiet?: boolean;
  timeout?: string;
  lockWait?: string;
}

/**
 * The program with its version and global options, no commands and no actions: cli/ adds those,
 * completion reads the options from it, so a new global option completes without edits there.
 */
export function baseProgram(): Command {
  return new Command('opsctl')
    .description('One CLI for the ops manual: status, health, deploy, backup and more over pm2, docker and databases.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('-e, --env <name>', 'environment from opsctl.yaml (else OPSCTL_ENV, else the only one)')
    .addOption(new Option('--environment <name>', 'alias of --env').hideHelp())
    .option('-c, --config <path>', 'config file (else OPSCTL_CONFIG, else opsctl.yaml found upwards)')
    .option('--json', 'print JSON on stdout and nothing else: one document (logs: one record per line)')
    .option('--dry-run', 'print the plan and change nothing')
    .option('-y, --yes', 'answer yes to confirmations')
    .option('--no-color', 'no colours (also NO_COLOR)')
    .option('-v, --verbose', 'show each external command as it runs, and stack traces')
    .option('-q, --quiet', 'only errors on stderr')
    .option('--timeout <duration>', 'deadline for the whole command, e.g. 90s or 5m')
    .option('--lock-wait <duration>', "wait up to this long for the environment's lock instead of exiting 4 at once");
}

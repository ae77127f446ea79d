// The commands as data: names, arguments, options, summaries, examples. A leaf: cli/ builds the program
// from it, completion and schedule read it; the modules themselves are loaded by cli/loaders.ts.

/** Lists of names read from the config (or the runbooks) at completion time: `opsctl completion --words <list>`. */
export type WordList = 'runbooks' | 'environments' | 'remotes';

export interface OptionSpec {
  flags: string;
  description: string;
  defaultValue?: string | boolean;
  /** Left out of --help: an option for opsctl's own scripts (completion). */
  hidden?: boolean;
  /** The values it takes, for shell completion (each of a comma-separated list). */
  choices?: readonly string[];
  /** Its value is a name of this list, for shell completion (remotes: of the environment chosen on the line). */
  words?: WordList;
}

export interface CommandSpec {
  name: string;
  args?: string;
  summary: string;
  options?: readonly OptionSpec[];
  /** The words its first argument can be (backup list, lock release), for shell completion. */
  actions?: readonly string[];
  /** After one of these actions the next word is a name of `list`, which `opsctl completion --words <list>` prints. */
  names?: { after: readonly string[]; list: 'runbooks' };
  examples: readonly string[];
}

// Static table: `opsctl --help` reads it without importing a single command module.
const TABLE = [
  {
    name: 'status',
    summary: 'Show what runs where: processes or containers, release, last operations, lock holder',
    options: [{ flags: '-n, --history <count>', description: 'how many recent history entries to show', defaultValue: '5' }],
    examples: ['opsctl status -e production', 'opsctl status -e staging --json | jq .target.instances'],
  },
  {
    name: 'health-check',
    summary: 'Probe every endpoint, database and the host at once; exit 0 healthy, 3 degraded, 1 unhealthy',
    options: [{ flags: '--only <probes>', description: 'only these probes, comma-separated: names, or the groups endpoints, databases, host' }],
    examples: ['opsctl health-check -e production', 'opsctl health-check --only api,main --json', 'opsctl health-check -e staging || notify-team'],
  },
  {
    name: 'monitor',
    summary: 'Run health-check every interval and alert alerts.webhook when a probe goes down, degrades or recovers',
    options: [
      { flags: '-i, --interval <duration>', description: 'time between rounds', defaultValue: '60s' },
      { flags: '--once', description: 'one round, then exit with health-check\'s codes (for cron)' },
      { flags: '--only <probes>', description: 'only these probes, comma-separated' },
      { flags: '--reminder <duration>', description: 'repeat the alert while a probe stays down this long (default: alerts.reminder)' },
    ],
    examples: ['opsctl monitor -e production --interval 5m', '*/5 * * * * opsctl monitor -e production --once  # from cron'],
  },
  {
    name: 'logs',
    summary: 'Read the environment\'s logs (files, pm2, compose, swarm) merged in time order; filter by level, text, correlation id and time; follow',
    options: [
      { flags: '-l, --level <level>', description: 'this level and above: trace, debug, info, warn, error, fatal (or pino\'s 10-60)', choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] },
      { flags: '-g, --grep <regex>', description: 'lines matching this regular expression' },
      { flags: '-i, --ignore-case', description: '--grep ignores case' },
      { flags: '--correlation-id <id>', description: 'records whose correlation id is this (correlationId, requestId, reqId, req.id, req_id, traceId, traceparent, ... and logs.correlationFields)' },
      { flags: '--since <when>', description: 'from this time on: a duration back from now (30m, 24h) or an ISO time' },
      { flags: '--until <when>', description: 'up to this time: a duration back from now or an ISO time' },
      { flags: '-n, --lines <count>', description: 'only the last N matching lines (default: all; 10 with --follow)' },
      { flags: '-f, --follow', description: 'keep printing new lines as they come; survives rotation and truncation; Ctrl-C stops' },
      { flags: '-s, --source <names>', description: 'only these sources, comma-separated: files, pm2, compose, swarm, or a file\'s name' },
      { flags: '--count', description: 'print only how many lines match' },
      { flags: '--exclude <regex>', description: 'leave out records with a line matching this regular expression (grep -v)' },
      { flags: '-A, --after <count>', description: 'also show this many records after each match' },
      { flags: '-B, --before <count>', description: 'also show this many records before each match' },
      { flags: '-C, --context <count>', description: 'also show this many records before and after each match' },
      { flags: '--count-by <field>', description: 'count matches per value of a field (level, source, or a record\'s key like req.url); -n N keeps the top N' },
    ],
    examples: [
      'opsctl logs -e production --level warn --since 12h',
      'opsctl logs -e production --correlation-id 3f2a9c -n 50',
      'opsctl logs -e staging -f --grep "timeout|refused" -i',
      'opsctl logs -e production --level error --since 24h --json | jq .msg',
      'opsctl logs -e production --level error --since 1h --count',
    ],
  },
  {
    name: 'doctor',
    summary: 'Check tools, daemons, config and disk space; exit 1 when something the config needs is missing',
    examples: ['opsctl doctor', 'opsctl doctor -e production --json'],
  },
  {
    name: 'deploy',
    summary: 'Deploy a git ref: lock, preflight, backup, build, checks, switch, health gate; rolls back by itself when the gate fails',
    options: [
      { flags: '-r, --ref <ref>', description: 'branch, tag or sha to deploy (default: source.ref)' },
      { flags: '-f, --force', description: 'deploy even a release that failed its health gate before, or one that already runs' },
      { flags: '--skip-tests', description: 'skip source.checks' },
      { flags: '--no-rollback', description: 'leave a release that fails its health gate in place (for debugging)' },
    ],
    examples: [
      'opsctl deploy -e production',
      'opsctl deploy -e staging --ref v1.4.2 --json',
      'opsctl deploy -e production --dry-run',
      'opsctl deploy -e production --force --skip-tests',
    ],
  },
  {
    name: 'rollback',
    summary: 'Go back to the last good release (or --to one), verified by the same health gate; --restore-db also restores the linked backup',
    options: [
      { flags: '--to <release>', description: 'the release to go back to: a sha (short is fine) or any ref' },
      { flags: '-f, --force', description: 'switch even to a release that failed its gate, or to the one that runs' },
      { flags: '--restore-db', description: 'also restore the databases from the backup taken before the deploy being undone (asks first)' },
    ],
    examples: ['opsctl rollback -e production', 'opsctl rollback -e production --to 3f2a9c1', 'opsctl rollback -e production --restore-db --yes'],
  },
  {
    name: 'scale',
    args: '<replicas>',
    summary: 'Set the instance count of the environment\'s service (pm2 scale, compose --scale, docker service scale) and wait until it converges',
    examples: ['opsctl scale 3 -e production', 'opsctl scale 1 -e staging --json'],
  },
  {
    name: 'restart',
    args: '[service]',
    summary: 'Restart the environment\'s service without a new release (pm2 reload, one container at a time, swarm update --force), then the health gate; another compose service as it is',
    examples: ['opsctl restart -e production', 'opsctl restart postgres -e staging', 'opsctl restart -e production --dry-run'],
  },
  {
    name: 'stop',
    args: '[service]',
    summary: 'Stop the environment\'s service (pm2 stop, compose stop, swarm scale to 0, remembering the count); asks first on prod, production, live',
    examples: ['opsctl stop -e staging', 'opsctl stop -e production --yes', 'opsctl stop redis -e staging'],
  },
  {
    name: 'start',
    args: '[service]',
    summary: 'Start what stop stopped (swarm: back to the count it had), then the health gate',
    examples: ['opsctl start -e production', 'opsctl start -e staging --json'],
  },
  {
    name: 'history',
    summary: 'Show the journal of deploys, rollbacks, backups and other operations, newest first',
    options: [
      { flags: '-n, --limit <count>', description: 'how many entries', defaultValue: '20' },
      { flags: '-t, --type <types>', description: 'only these operation types, comma-separated (deploy,rollback,...)' },
      { flags: '-a, --all-environments', description: 'entries of every environment, not only the selected one' },
    ],
    examples: ['opsctl history -e production -n 10', 'opsctl history --type deploy,rollback --json'],
  },
  {
    name: 'backup',
    args: '[action] [id]',
    summary: 'Back up every database and file of the environment as one checksummed set, then ship it to backup.remotes; backup list, verify <id>, prune, upload, pull <id>',
    options: [
      { flags: '--restore-test', description: 'backup verify: also restore each PostgreSQL part into a scratch database, count its rows, drop it' },
      { flags: '--identity <file>', description: 'backup verify: the age identity that decrypts encrypted parts (else OPSCTL_AGE_IDENTITY)' },
      { flags: '--remote [name]', description: 'backup list / prune: the sets on backup.remotes (all, or this one) instead of the local folder', words: 'remotes' },
      { flags: '--from <remote>', description: 'backup pull: the remote to download the set from (needed when there are several)', words: 'remotes' },
    ],
    actions: ['list', 'verify', 'prune', 'pull', 'upload'],
    examples: [
      'opsctl backup -e production',
      'opsctl backup list -e production',
      'opsctl backup verify latest -e production --restore-test',
      'opsctl backup prune -e production --dry-run',
      'opsctl backup list --remote -e production',
      'opsctl backup pull latest --from offsite -e production',
      'opsctl backup prune --remote offsite -e production',
      '0 2 * * * cd /srv/app && opsctl backup -e production >>/var/log/opsctl-backup.log 2>&1  # from cron',
    ],
  },
  {
    name: 'restore',
    args: '<id>',
    summary: 'Restore a backup set (or latest): verify it, confirm, take a safety backup, put every part back',
    options: [
      { flags: '--only <parts>', description: 'only these parts, comma-separated (database names, files; <database>.globals, the cluster roles of databases.<database>.globals, is restored only when named here)' },
      { flags: '--to <database>', description: 'restore the one database part into another database: a name under databases, or a URL' },
      { flags: '--tables <tables>', description: 'only these tables of the one --only PostgreSQL part, comma-separated (schema.table where a name is in several schemas), with their indexes, constraints and sequences; other tables stay as they are' },
      { flags: '--from-env <environment>', description: 'restore a set of that environment (its databases; its files only when --only names them) into the databases of the one chosen with -e, with that one\'s confirmation, safety backup and lock', words: 'environments' },
      { flags: '--no-safety-backup', description: 'do not back up the current state first' },
      { flags: '--identity <file>', description: 'the age identity that decrypts an encrypted set (else OPSCTL_AGE_IDENTITY)' },
      { flags: '--from <remote>', description: 'download the set from this backup.remotes entry first (when the local copy is gone)', words: 'remotes' },
    ],
    examples: [
      'opsctl restore latest -e production',
      'opsctl restore 20261123T020000Z -e production --only files --yes',
      'opsctl restore latest -e production --only main --to staging_main   # production\'s data into staging',
      'opsctl restore latest -e production --from offsite --identity ~/keys/backup.age',
      'opsctl restore latest -e production --only main --tables users,user_sessions',
      'opsctl restore latest -e staging --from-env production   # production\'s latest set into staging\'s databases',
      'opsctl restore latest -e rebuilt --from-env production --only main.globals --yes   # the roles onto a fresh server first',
    ],
  },
  {
    name: 'cleanup',
    summary: 'Plan, confirm and remove what the environment no longer needs: old temp files, stopped containers and old images, old backup sets, oversized pm2 logs',
    options: [{ flags: '--only <kinds>', description: 'only these kinds, comma-separated: docker, temp, backups, pm2-logs, releases', choices: ['docker', 'temp', 'backups', 'pm2-logs', 'releases'] }],
    examples: [
      'opsctl cleanup -e production --dry-run',
      'opsctl cleanup -e production',
      'opsctl cleanup -e staging --only docker --yes',
      '0 3 * * 0 cd /srv/app && opsctl cleanup -e production --yes  # from cron, weekly',
    ],
  },
  {
    name: 'lock',
    args: '<action>',
    summary: 'Show (lock status) or release (lock release --force) the lock of an environment',
    options: [{ flags: '--force', description: 'release a lock whose holder may still be running (another host, or a live pid)' }],
    actions: ['status', 'release'],
    examples: ['opsctl lock status -e production', 'opsctl lock release -e production --force'],
  },
  {
    name: 'schedule',
    args: '<command...>',
    summary: 'Run an opsctl command on a schedule (crontab on Linux, Task Scheduler on Windows); schedule list, schedule remove <id|name>',
    options: [
      { flags: '--daily <HH:MM>', description: 'every day at this time (24-hour clock, the machine\'s local time)' },
      { flags: '--every <duration>', description: 'every N minutes dividing 60 (15m), N hours dividing 24 (6h), 1d or 1w' },
      { flags: '--cron <expression>', description: 'a 5-field cron expression, e.g. "30 3 * * 1-5"' },
      { flags: '--name <name>', description: 'the schedule\'s name (default: app-environment-command); the same name replaces' },
      { flags: '--print', description: 'print the crontab line or schtasks command instead of installing it' },
      { flags: '--platform <platform>', description: 'linux (crontab) or windows (schtasks); default: this machine\'s', choices: ['linux', 'windows'] },
    ],
    actions: ['list', 'remove'],
    examples: [
      'opsctl schedule backup --daily 02:00 -e production',
      'opsctl schedule health-check --every 5m -e production --print',
      'opsctl schedule -e production --cron "0 3 * * 0" --yes -- cleanup --only docker',
      'opsctl schedule list',
      'opsctl schedule remove shop-production-backup',
    ],
  },
  {
    name: 'runbook',
    args: '[action] [name]',
    summary: 'The ops manuals\' checklists as YAML runbooks: runbook list, runbook show <name>, runbook run <name>',
    options: [{ flags: '-p, --param <name=value...>', description: 'run/show: set a runbook param (several: --param since=24h lines=100)' }],
    actions: ['list', 'show', 'run'],
    names: { after: ['show', 'run'], list: 'runbooks' },
    examples: [
      'opsctl runbook list',
      'opsctl runbook show dr-drill',
      'opsctl runbook run morning-check -e production',
      'opsctl runbook run weekly-maintenance -e production --dry-run',
      'opsctl runbook run dr-drill -e staging --param from=production --yes',
      '0 8 * * 1-5 cd /srv/app && opsctl runbook run morning-check -e production --json > morning.json  # from cron',
    ],
  },
  {
    name: 'migrate',
    summary: 'Run source.migrate alone against the release that runs now (its folder, or a one-off container of its image), under the lock, after a backup; journaled',
    examples: ['opsctl migrate -e staging --dry-run', 'opsctl migrate -e staging', 'opsctl migrate -e production --json'],
  },
  {
    name: 'exec',
    args: '<command...>',
    summary: 'Run one command in the current release\'s folder (pm2) or a one-off container of its image (compose, swarm) with the environment\'s variables; journaled',
    examples: ['opsctl exec -e production -- node scripts/report.js', 'opsctl exec -e staging -- npm run db:seed', 'opsctl exec -e production --json -- node -e "console.log(process.version)"'],
  },
  {
    name: 'db',
    args: '<action>',
    summary: 'The databases of an environment: db stats (size, connections, slow queries, tables, redis memory and hit rate, mongo dbStats), db terminate --older-than <d>, db maintain (VACUUM ANALYZE)',
    options: [
      { flags: '--only <databases>', description: 'only these databases, comma-separated (names under databases)' },
      { flags: '--slow <duration>', description: 'stats: list queries running longer than this', defaultValue: '5m' },
      { flags: '--older-than <duration>', description: 'terminate: end the queries running longer than this' },
      { flags: '--table <tables...>', description: 'maintain: only these tables (table or schema.table)' },
    ],
    actions: ['stats', 'terminate', 'maintain'],
    examples: [
      'opsctl db stats -e production',
      'opsctl db stats -e production --only cache --json',
      'opsctl db terminate -e production --older-than 10m',
      'opsctl db maintain -e production',
      'opsctl schedule -e production --cron "0 2 * * 0" --yes -- db maintain  # weekly, Sunday 02:00',
    ],
  },
  {
    name: 'init',
    summary: 'Write a commented opsctl.yaml for this folder from what is in it (compose file, pm2 ecosystem, package.json scripts, .env), and .env.example',
    options: [{ flags: '--force', description: 'overwrite an existing opsctl.yaml (and .env.example)' }],
    examples: ['opsctl init --dry-run', 'opsctl init', 'opsctl init --force && opsctl doctor'],
  },
  {
    name: 'completion',
    args: '[bash|zsh|powershell]',
    summary: 'Print a shell completion script: commands, options, and the environment names of the opsctl.yaml in use',
    options: [
      { flags: '--environments', description: 'print the environment names of the config found from here, one a line (the scripts call this)', hidden: true },
      { flags: '--words <list>', description: 'print the names of a list (runbooks, environments, remotes), one a line (the scripts call this)', hidden: true },
    ],
    examples: [
      'source <(opsctl completion bash)        # add to ~/.bashrc',
      'opsctl completion zsh > "${fpath[1]}/_opsctl"',
      'opsctl completion powershell | Out-String | Invoke-Expression   # add to $PROFILE',
    ],
  },
] as const satisfies readonly CommandSpec[];

export type CommandName = (typeof TABLE)[number]['name'];

export const COMMANDS: readonly (CommandSpec & { name: CommandName })[] = TABLE;

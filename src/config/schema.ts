import * as z from 'zod';
import { DURATION_PATTERN } from './duration.js';
import { DATABASE_KINDS } from '../databases/kinds.js';

// The one source of every config type. Objects are strict so a typo ("retires") is an error, not a silent default.

const DURATION_HINT = 'expected a duration with a unit, such as 500ms, 5s, 10m, 168h or 7d';
const duration = z.string({ error: DURATION_HINT }).regex(DURATION_PATTERN, DURATION_HINT);
const name = z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'use letters, digits, ".", "_" and "-"');
const commandLine = z.string().min(1, 'must not be empty');

/**
 * Why pm2 would read `name` as something other than one app's name, or undefined: `pm2 reload all`
 * reloads every app of the daemon, a leading "-" is an option, and a number is a process id.
 */
export function pm2NameProblem(name: string): string | undefined {
  if (name === 'all') return '"all" means every pm2 app (pm2 reload all restarts them all); choose another name';
  if (name.startsWith('-')) return `"${name}" starts with "-", which pm2 reads as an option; choose another name`;
  if (/^\d+$/.test(name)) return `"${name}" is a number, which pm2 reads as a process id; choose a name with a letter in it`;
  return undefined;
}

const pm2Name = z.string().min(1).superRefine((value, ctx) => {
  const problem = pm2NameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * What opsctl adds to a Node app so it drains on SIGINT/SIGTERM without shutdown code of its own
 * (preload/drain.cjs; README "Deploy, rollback and scale"): on unless `enabled: false`.
 */
const drain = z.strictObject({ enabled: z.boolean().default(true), grace: duration.default('5s') });
export type DrainConfig = z.output<typeof drain>;

/** The drain settings of a target, defaults filled in when the key is left out. */
export function drainOf(target: { drain?: DrainConfig | undefined }): DrainConfig {
  return target.drain ?? drain.parse({});
}

const pm2Target = z
  .strictObject({
    name: pm2Name.optional(),
    script: z.string().min(1).optional(),
    ecosystem: z.string().min(1).optional(),
    cwd: z.string().optional(),
    args: z.array(z.string()).optional(),
    instances: z.union([z.int().min(1), z.literal('max')]).default(1),
    env: z.record(z.string(), z.string()).optional(),
    drain: drain.optional(),
  })
  .refine((t) => Boolean(t.script) !== Boolean(t.ecosystem), { message: 'set exactly one of script or ecosystem' });

const composeTarget = z.strictObject({
  file: z.union([z.string(), z.array(z.string()).min(1)]).default('docker-compose.yml'),
  project: z.string().min(1).optional(),
  service: z.string().min(1),
  image: z.string().min(1).optional(),
  /** start-first: new containers start and pass before the old ones go (services without a fixed host port). */
  updateOrder: z.enum(['start-first', 'stop-first']).optional(),
});

const swarmTarget = z.strictObject({
  stack: z.string().min(1),
  service: z.string().min(1),
  file: z.string().optional(),
  image: z.string().min(1).optional(),
  updateOrder: z.enum(['start-first', 'stop-first']).default('start-first'),
});

/** One key per target kind; src/targets/registry.ts has the kind's adapter. */
const targetKinds = { pm2: pm2Target, compose: composeTarget, swarm: swarmTarget };
type KindConfigs = { [K in keyof typeof targetKinds]: z.output<(typeof targetKinds)[K]> };

/** Exactly one kind's key is set (the refine checks it), so the code can narrow on it without `!`. */
export type TargetConfig = {
  [K in keyof KindConfigs]: { [P in K]: KindConfigs[K] } & { [P in Exclude<keyof KindConfigs, K>]?: undefined };
}[keyof KindConfigs];

const target = z
  .strictObject({ pm2: pm2Target.optional(), compose: composeTarget.optional(), swarm: swarmTarget.optional() })
  .refine((t) => [t.pm2, t.compose, t.swarm].filter(Boolean).length === 1, {
    message: 'set exactly one of pm2, compose or swarm',
  })
  .transform((t) => t as TargetConfig);

const source = z.strictObject({
  repo: z.string().default('.'),
  ref: z.string().min(1).default('main'),
  build: z.array(commandLine).default([]),
  checks: z.array(commandLine).default([]),
  /** Run after the build and before the switch, in the release folder or a one-off container of its image. */
  migrate: z.array(commandLine).default([]),
  keepReleases: z.int().min(1).default(5),
});

/** deploy's health gate: the probes (and the target's instances) must pass `passes` times in a row within `timeout`. */
const deploy = z.strictObject({
  gate: z
    .strictObject({
      passes: z.int().min(1).default(3),
      interval: duration.default('2s'),
      timeout: duration.default('2m'),
      /** The passing streak must also last this long: an app that crashes a few seconds after start is caught. */
      settle: duration.default('10s'),
    })
    .prefault({}),
  /** Bounds for `opsctl scale`. */
  minReplicas: z.int().min(0).default(1),
  maxReplicas: z.int().min(1).default(20),
}).refine((d) => d.minReplicas <= d.maxReplicas, { message: 'minReplicas must not be above maxReplicas' });

/** `expect.headers`: true (present), a string (equal), or { match: regex } (matching, case-insensitive). */
const headerExpectation = z.union([z.literal(true), z.string(), z.strictObject({ match: z.string().min(1) })]);

/** Bodies that say "degraded" with a 200: the value at `path` mapped to a state (others leave the verdict alone). */
const statusMap = z.strictObject({
  path: z.string().min(1).default('status'),
  degraded: z.array(z.string()).default([]),
  unhealthy: z.array(z.string()).default([]),
});

const endpoint = z.strictObject({
  name,
  url: z.string().min(1),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: z.record(z.string(), z.string()).optional(),
  /** The request body (a POST smoke test); JSON text is sent as application/json unless headers say otherwise. */
  body: z.string().optional(),
  expect: z
    .strictObject({
      status: z.union([z.int(), z.array(z.int()).min(1)]).optional(),
      json: z.record(z.string(), z.unknown()).optional(),
      body: z.string().optional(),
      headers: z.record(z.string(), headerExpectation).optional(),
    })
    .optional(),
  statusMap: statusMap.optional(),
  warnMs: z.int().positive().optional(),
  critMs: z.int().positive().optional(),
  timeout: duration.optional(),
  retries: z.int().min(1).optional(),
  /** PEM file of a CA to trust for this endpoint (self-signed or internal CA). */
  ca: z.string().min(1).optional(),
  /** Certificate expiring within this many days: degraded. */
  certWarnDays: z.int().min(0).default(30),
  role: z.enum(['health', 'liveness', 'readiness']).default('health'),
});

/** A threshold on a Prometheus series: above warn degraded, above crit unhealthy (below: true turns both round). */
const seriesThreshold = z
  .strictObject({ warn: z.number().optional(), crit: z.number().optional(), below: z.boolean().default(false) })
  .refine((t) => t.warn !== undefined || t.crit !== undefined, { message: 'give warn, crit or both' });

const metricsProbe = z.strictObject({
  name,
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  /** Series name, optionally with labels to match: `http_requests_total{code="500"}`. */
  series: z.record(z.string(), seriesThreshold).refine((s) => Object.keys(s).length > 0, { message: 'name at least one series' }),
  timeout: duration.optional(),
  retries: z.int().min(1).optional(),
});

const tcpProbe = z.strictObject({
  name,
  host: z.string().min(1).default('127.0.0.1'),
  port: z.int().min(1).max(65535),
  /** Text written once connected (\n and \r\n as written), and text the answer must contain. */
  send: z.string().optional(),
  expect: z.string().optional(),
  warnMs: z.int().positive().optional(),
  timeout: duration.optional(),
  retries: z.int().min(1).optional(),
});

const dnsProbe = z.strictObject({
  name,
  /** The name to resolve. */
  host: z.string().min(1),
  type: z.enum(['A', 'AAAA']).default('A'),
  /** A DNS server to ask, "10.0.0.2" or "127.0.0.1:5353"; the system's resolvers otherwise. */
  server: z.string().min(1).optional(),
  /** The address (or one of the addresses) the answer must hold. */
  expect: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  timeout: duration.optional(),
  retries: z.int().min(1).optional(),
});

const percentThresholds = z
  .strictObject({ warn: z.number().min(0).max(100), crit: z.number().min(0).max(100) })
  .refine((t) => t.warn <= t.crit, { message: 'warn must not be above crit' });

const hostProbes = z.strictObject({
  disk: z.union([z.literal(false), percentThresholds.safeExtend({ paths: z.array(z.string().min(1)).optional() })]).optional(),
  memory: z.union([z.literal(false), percentThresholds]).optional(),
  /** Load average per CPU core (the lower of 5 and 15 min); no crit: it only degrades. */
  load: z
    .union([
      z.literal(false),
      z.strictObject({ warn: z.number().positive(), crit: z.number().positive().optional() }).refine((t) => t.crit === undefined || t.warn <= t.crit, { message: 'warn must not be above crit' }),
    ])
    .optional(),
});

const health = z.strictObject({
  timeout: duration.default('5s'),
  retries: z.int().min(1).default(3),
  endpoints: z.array(endpoint).default([]),
  databases: z.array(z.string()).default([]),
  metrics: z.array(metricsProbe).default([]),
  tcp: z.array(tcpProbe).default([]),
  dns: z.array(dnsProbe).default([]),
  /** false: no host probes; absent: disk, memory and load with the manuals' thresholds. */
  host: z.union([z.literal(false), hostProbes]).optional(),
  /** Freshness: the newest set (local, and on each remote) older than maxAge, or none, is degraded. */
  backups: z.strictObject({ maxAge: duration }).optional(),
});

const database = z
  .strictObject({
    type: z.enum(DATABASE_KINDS),
    url: z.string().min(1),
    /** PostgreSQL: also back up the cluster's roles (pg_dumpall --globals-only) as part `<name>.globals`; passwords only when asked. */
    globals: z.union([z.boolean(), z.strictObject({ passwords: z.boolean().default(false) })]).optional(),
  })
  .refine((db) => !db.globals || db.type === 'postgres', { message: 'globals is for postgres databases (pg_dumpall --globals-only)', path: ['globals'] });

const retention = z.strictObject({
  daily: z.int().min(0).optional(),
  weekly: z.int().min(0).optional(),
  monthly: z.int().min(0).optional(),
  maxAgeDays: z.int().min(1).optional(),
});

/**
 * age recipients (public keys: `age1...`, or an `ssh-ed25519 ...` line) and/or a recipients file, one
 * per line, relative to opsctl.yaml. Public keys only: the identity that decrypts never belongs here.
 */
const encrypt = z
  .strictObject({
    recipients: z.array(z.string().regex(/^(age1[0-9a-z]{20,}|ssh-(ed25519|rsa) \S+.*)$/, 'is not an age recipient (age1... or an ssh-ed25519/ssh-rsa public key)')).default([]),
    recipientsFile: z.string().min(1).optional(),
  })
  .refine((e) => e.recipients.length > 0 || e.recipientsFile !== undefined, 'needs recipients or a recipientsFile');

/**
 * An off-site copy of every set: an S3-compatible bucket, or any rclone remote (`name:path`, `:sftp,...:path`,
 * a local path). Both run through rclone. S3 credentials are ${VAR} references only, handed to rclone in its environment.
 */
// Written as ${VAR} (the value lives in the environment or .env); interpolated before this schema sees it.
const secretRef = z.string().min(1);
const remoteCommon = { name, retention: retention.optional() };
const remote = z.discriminatedUnion('type', [
  z.strictObject({
    ...remoteCommon,
    type: z.literal('s3'),
    endpoint: z.string().min(1).optional(),
    bucket: z.string().min(3),
    prefix: z.string().default(''),
    region: z.string().min(1).optional(),
    accessKeyId: secretRef,
    secretAccessKey: secretRef,
  }),
  z.strictObject({ ...remoteCommon, type: z.literal('rclone'), remote: z.string().min(1) }),
]);

const backup = z.strictObject({
  dir: z.string().default('backups'),
  remotes: z
    .array(remote)
    .default([])
    .refine((list) => new Set(list.map((r) => r.name)).size === list.length, 'name the same remote twice'),
  encrypt: encrypt.optional(),
  databases: z.array(z.string()).default([]),
  files: z.array(z.string()).default([]),
  beforeDeploy: z.boolean().default(false),
  retention: retention.optional(),
  ping: z.string().optional(),
});

const logs = z.strictObject({
  files: z.array(z.string()).default([]),
  compose: z.boolean().optional(),
  swarm: z.boolean().optional(),
  pm2: z.boolean().optional(),
  correlationFields: z.array(z.string()).optional(),
  // A house style's level names onto the known ones or pino's numbers: { SEVERE: error, AUDIT: 35 }.
  levels: z.record(z.string().min(1), z.union([z.string().min(1), z.number()])).optional(),
});

const cleanup = z.strictObject({
  temp: z
    .array(z.strictObject({ path: z.string().min(1), maxAgeDays: z.number().positive().optional(), maxSizeMB: z.number().positive().optional() }))
    .default([]),
  docker: z.union([z.boolean(), z.strictObject({ olderThan: duration.optional(), keepReleases: z.int().min(0).optional() })]).optional(),
  backups: z.boolean().default(false),
  pm2Logs: z.strictObject({ maxSizeMB: z.number().positive() }).optional(),
});

/** A log rule: records over `window` matching level/grep counted against max, or a ratio against warn/crit. */
const logRule = z
  .strictObject({
    name,
    window: duration.default('5m'),
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional(),
    grep: z.string().min(1).optional(),
    /** Above this many matching records: down. */
    max: z.int().min(0).optional(),
    /** `of` and `over` are conditions on JSON fields ("req.status >= 500"), or "all". */
    ratio: z.strictObject({ of: z.string().min(1), over: z.string().min(1).default('all') }).optional(),
    warn: z.number().min(0).optional(),
    crit: z.number().min(0).optional(),
    /** Log sources to read (names or kinds as logs --source takes them); all of them otherwise. */
    sources: z.array(z.string()).optional(),
  })
  .refine((r) => (r.ratio ? r.warn !== undefined || r.crit !== undefined : r.max !== undefined), { message: 'a ratio rule needs warn or crit; a count rule (level or grep) needs max' })
  .refine((r) => r.ratio !== undefined || r.level !== undefined || r.grep !== undefined, { message: 'give level, grep or ratio' });

const alerts = z.strictObject({
  webhook: z.string().optional(),
  reminder: duration.optional(),
  /** A program and its arguments; the alert text goes to its stdin (mail -s "API Alert" ops@example.com). */
  command: z.array(z.string().min(1)).min(1).optional(),
  discord: z.string().optional(),
  teams: z.string().optional(),
  /** An ntfy topic URL: https://ntfy.sh/my-alerts. */
  ntfy: z.string().optional(),
  rules: z.array(logRule).default([]),
  /** Heartbeats of scheduled runs: monitor alerts when an entry missed its time by more than grace. */
  schedules: z
    .strictObject({
      missed: z.boolean().default(true),
      grace: duration.default('10m'),
      /** Healthchecks-style URL per schedule name: <url>/start, <url> on success, <url>/fail otherwise. */
      pings: z.record(z.string(), z.string()).default({}),
    })
    .prefault({}),
});

/**
 * Keys whose text the refine below reads (a name must be defined under databases). The config cache
 * (src/config/cache-entry.ts) skips validation only when no ${VAR} sits where its text could matter: a
 * refine that reads another string's text must add its key here.
 */
export const TEXT_CHECKED: readonly (readonly string[])[] = [['health', 'databases'], ['backup', 'databases']];

export const environmentSchema = z.strictObject({
  stateDir: z.string().default('.opsctl'),
  target,
  source: source.optional(),
  deploy: deploy.prefault({}),
  health: health.prefault({}),
  // No prototype: a name like "constructor" or "toString" must not find Object's own members.
  databases: z.record(name, database).default({}).transform((named) => Object.assign(Object.create(null) as typeof named, named)),
  backup: backup.optional(),
  logs: logs.optional(),
  cleanup: cleanup.optional(),
  alerts: alerts.optional(),
  /** Variables the app needs, checked by doctor in the target's environment (pm2 env, compose environment, .env). */
  requiredEnv: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name: letters, digits and "_"')).default([]),
})
  .superRefine((env, ctx) => {
    // rollback --restore-db across a migration restores the backup taken before that deploy: there must be one.
    if ((env.source?.migrate.length ?? 0) > 0 && !env.backup?.beforeDeploy) {
      ctx.addIssue({
        code: 'custom',
        path: ['backup', 'beforeDeploy'],
        message: 'must be true when source.migrate is set: a rollback across a migration restores the backup taken before that deploy (set backup: { databases: [...], beforeDeploy: true })',
      });
    }
    // Probe names key --only and the monitor's memory: each must be unique and not a host probe's or group's name.
    const reserved = new Set(['memory', 'load', 'disk', 'endpoints', 'databases', 'host']);
    const seen = new Set<string>();
    const probeNames: [string, (string | number)[]][] = [
      ...env.health.endpoints.map((e, i): [string, (string | number)[]] => [e.name, ['health', 'endpoints', i, 'name']]),
      ...env.health.databases.map((d, i): [string, (string | number)[]] => [d, ['health', 'databases', i]]),
      ...(['metrics', 'tcp', 'dns'] as const).flatMap((kind) => env.health[kind].map((p, i): [string, (string | number)[]] => [p.name, ['health', kind, i, 'name']])),
      ...(env.alerts?.rules ?? []).map((r, i): [string, (string | number)[]] => [r.name, ['alerts', 'rules', i, 'name']]),
    ];
    for (const [probe, path] of probeNames) {
      if (reserved.has(probe)) ctx.addIssue({ code: 'custom', path, message: `"${probe}" is the name of a host probe or probe group; choose another name` });
      else if (seen.has(probe)) ctx.addIssue({ code: 'custom', path, message: `probe name "${probe}" is used twice; endpoint and database probe names must be unique` });
      seen.add(probe);
    }
    // A name under health.databases or backup.databases must be defined under databases.
    const lists: [string, readonly string[]][] = [['health', env.health.databases], ['backup', env.backup?.databases ?? []]];
    for (const [section, names] of lists) {
      names.forEach((dbName, index) => {
        if (dbName in env.databases) return;
        const known = Object.keys(env.databases);
        ctx.addIssue({
          code: 'custom',
          path: [section, 'databases', index],
          message: `"${dbName}" is not defined under databases${known.length > 0 ? ` (defined: ${known.join(', ')})` : ''}`,
        });
      });
    }
  });

/** The file as written: environments are validated after `defaults` is merged under each. */
export const fileSchema = z.strictObject({
  version: z.literal(1, { error: 'must be 1' }),
  app: name,
  defaults: z.record(z.string(), z.unknown()).default({}),
  runbooks: z.string().optional(),
  environments: z.record(name, z.record(z.string(), z.unknown())).refine((envs) => Object.keys(envs).length > 0, {
    message: 'define at least one environment',
  }),
});

export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type TargetKind = keyof KindConfigs;
export type Pm2Target = KindConfigs['pm2'];
export type ComposeTarget = KindConfigs['compose'];
export type SwarmTarget = KindConfigs['swarm'];
export type DatabaseConfig = z.infer<typeof database>;
export type HealthConfig = EnvironmentConfig['health'];
export type EndpointConfig = HealthConfig['endpoints'][number];
export type MetricsProbeConfig = HealthConfig['metrics'][number];
export type TcpProbeConfig = HealthConfig['tcp'][number];
export type DnsProbeConfig = HealthConfig['dns'][number];
export type AlertsConfig = NonNullable<EnvironmentConfig['alerts']>;
export type LogRuleConfig = AlertsConfig['rules'][number];
export type DeployConfig = EnvironmentConfig['deploy'];
export type SourceConfig = NonNullable<EnvironmentConfig['source']>;
export type FileConfig = z.infer<typeof fileSchema>;

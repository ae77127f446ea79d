import { requireResolved } from '../../config/interpolate.js';
import type { EnvironmentConfig } from '../../config/schema.js';
import type { SelectedEnvironment } from '../../config/select.js';
import { UsageError } from '../../errors.js';
import type { RetentionPolicy } from '../retention.js';

type RemoteConfig = NonNullable<EnvironmentConfig['backup']>['remotes'][number];

/** A remote as rclone reaches it: a base path (`name:path`, `:s3:bucket/prefix`) and the environment it needs. */
export interface RemoteSpec {
  name: string;
  /** Where this environment's sets live: `<base>/<id>/<file>`. */
  base: string;
  /** For rclone's environment only (S3 credentials): never in argv, never printed. */
  env: Record<string, string>;
  retention: RetentionPolicy | undefined;
}

/** The configured remotes, or only `name`; a name that is not configured is a usage error listing the others. */
export function remotesOf(env: SelectedEnvironment, name?: string): RemoteSpec[] {
  const configured = env.config.backup?.remotes ?? [];
  const chosen = name === undefined ? configured : configured.filter((r) => r.name === name);
  if (name !== undefined && chosen.length === 0) {
    const known = configured.map((r) => r.name);
    throw new UsageError(`No remote "${name}" under backup.remotes of ${env.name}.`, known.length > 0 ? `Its remotes: ${known.join(', ')}.` : 'Add one under backup.remotes in opsctl.yaml (see README, "Off-site copies").');
  }
  return chosen.map((r, i) => specOf(env, r, i));
}

/** One remote, required: --from <name>, or the only one. */
export function oneRemote(env: SelectedEnvironment, name: string | undefined): RemoteSpec {
  const all = remotesOf(env, name);
  if (all.length === 1) return all[0]!;
  if (all.length === 0) throw new UsageError(`${env.name} has no backup.remotes.`, 'Add one under backup.remotes in opsctl.yaml (see README, "Off-site copies").');
  throw new UsageError(`${env.name} has ${all.length} remotes: say which.`, `Pass --from <name> (${all.map((r) => r.name).join(', ')}).`);
}

function specOf(env: SelectedEnvironment, remote: RemoteConfig, index: number): RemoteSpec {
  const retention = remote.retention ?? env.config.backup?.retention;
  const key = `backup.remotes[${index}]`;
  if (remote.type === 'rclone') return { name: remote.name, base: join(remote.remote, env.name), env: {}, retention };
  const endpoint = remote.endpoint === undefined ? undefined : requireResolved(remote.endpoint, `${key}.endpoint`, env.envFile);
  // rclone's on-the-fly S3 remote: every option from its environment, so the keys never reach argv.
  const vars: Record<string, string> = {
    RCLONE_S3_PROVIDER: endpoint ? 'Other' : 'AWS',
    RCLONE_S3_ENV_AUTH: 'false',
    RCLONE_S3_ACCESS_KEY_ID: requireResolved(remote.accessKeyId, `${key}.accessKeyId`, env.envFile),
    RCLONE_S3_SECRET_ACCESS_KEY: requireResolved(remote.secretAccessKey, `${key}.secretAccessKey`, env.envFile),
    ...(endpoint ? { RCLONE_S3_ENDPOINT: endpoint } : {}),
    ...(remote.region ? { RCLONE_S3_REGION: remote.region } : {}),
    ...caBundle(process.env.AWS_CA_BUNDLE),
  };
  return { name: remote.name, base: join(`:s3:${remote.bucket}`, remote.prefix, env.name), env: vars, retention };
}

/**
 * AWS_CA_BUNDLE (a custom CA for S3, set on many hosts) makes the AWS SDK inside rclone up to at least
 * 1.60 (Debian 12's) refuse to build its S3 client ("unable to use custom CA bundle with custom
 * HTTP client"). rclone's own --ca-cert, as RCLONE_CA_CERT, trusts the same bundle without it.
 */
function caBundle(bundle: string | undefined): Record<string, string> {
  return bundle ? { RCLONE_CA_CERT: bundle, AWS_CA_BUNDLE: '' } : {};
}

/** Joins remote path segments with "/": a remote's root (`name:`) takes no separator after its colon. */
export function join(base: string, ...segments: string[]): string {
  let joined = base;
  for (const segment of segments.map((s) => s.replace(/^\/+|\/+$/g, '')).filter(Boolean)) {
    joined = joined.endsWith(':') || joined.endsWith('/') ? `${joined}${segment}` : `${joined}/${segment}`;
  }
  return joined;
}

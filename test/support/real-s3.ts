import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** An S3-compatible server (s3rver, a devDependency) on loopback, in this test process; its objects live in a temp folder. */
export interface S3Server {
  endpoint: string;
  port: number;
  bucket: string;
  /** The same server again on the same port and folder, after stop(): a remote that was down comes back. */
  start(): Promise<void>;
  stop(): Promise<void>;
  remove(): Promise<void>;
}

export const S3_KEY = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Undefined when s3rver cannot be loaded (requireTool's probe reports why). */
export function s3rverProblem(): string | undefined {
  try {
    createRequire(import.meta.url).resolve('s3rver');
    return undefined;
  } catch (error) {
    return `s3rver does not load: ${(error as Error).message.split('\n')[0]}`;
  }
}

export async function startS3(bucket = 'opsctl-backups'): Promise<S3Server> {
  const specifier = 's3rver'; // untyped package: loaded by name
  const { default: S3rver } = (await import(specifier)) as { default: new (options: object) => { run(): Promise<{ port: number }>; close(): Promise<void> } };
  const directory = mkdtempSync(path.join(os.tmpdir(), 'opsctl-s3-'));
  let port = 0;
  let server: InstanceType<typeof S3rver> | undefined;
  const start = async () => {
    server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: bucket }] });
    port = (await server.run()).port;
  };
  await start();
  const stop = async () => {
    await server?.close();
    server = undefined;
  };
  return {
    get endpoint() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    bucket,
    start,
    stop,
    remove: async () => {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

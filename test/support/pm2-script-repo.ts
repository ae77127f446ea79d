import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cleanEnv, makeTempDir, writeConfig } from './real-cli.js';
import { freePort } from './real-pm2.js';

/**
 * A git repo at `repo` whose app lives in app/ with `config` as its opsctl.yaml: one commit per source
 * of app/server.cjs, in order. Returns each commit's full sha.
 */
export async function commitServerVersions(repo: string, config: unknown, sources: readonly string[]): Promise<string[]> {
  const git = (...args: string[]) => execa('git', ['-C', repo, ...args], { env: cleanEnv({ GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' }), extendEnv: false });
  mkdirSync(path.join(repo, 'app'), { recursive: true });
  writeConfig(path.join(repo, 'app'), config);
  await git('init', '-q', '-b', 'main');
  const shas: string[] = [];
  for (const [index, source] of sources.entries()) {
    writeFileSync(path.join(repo, 'app', 'server.cjs'), source);
    await git('add', '-A');
    await git('commit', '-q', '-m', `v${index + 1}`);
    shas.push((await git('rev-parse', 'HEAD')).stdout.trim());
  }
  return shas;
}

export interface Pm2AppFixture {
  dir: string;
  home: string;
  app: string;
  port: number;
  shas: string[];
}

/**
 * A temp folder with its own PM2_HOME and a repo of `sources` (see commitServerVersions) whose environment
 * `prod` runs the pm2 app `name` as 2 cluster instances on a free port, probed at `/`; `extra` adds to prod.
 */
export async function pm2AppFixture(label: string, name: string, sources: (port: number) => readonly string[], extra: Record<string, unknown> = {}): Promise<Pm2AppFixture> {
  const dir = makeTempDir(label);
  const repo = path.join(dir, 'repo');
  const port = await freePort();
  const prod = {
    stateDir: path.join(dir, 'state'),
    source: { repo: '..', ref: 'main' },
    target: { pm2: { name, script: 'server.cjs', instances: 2, env: { PORT: String(port) } } },
    health: { endpoints: [{ name: 'web', url: `http://127.0.0.1:${port}/` }] },
    ...extra,
  };
  const shas = await commitServerVersions(repo, { version: 1, app: label.replace(/[^a-z]/g, ''), environments: { prod } }, sources(port));
  return { dir, home: path.join(dir, 'pm2-home'), app: path.join(repo, 'app'), port, shas };
}

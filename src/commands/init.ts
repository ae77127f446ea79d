import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandResult, Context } from '../context.js';
import { UsageError } from '../errors.js';
import { detectProject, type DetectedProject } from '../init/detect.js';
import { renderConfig, renderEnvExample } from '../init/render.js';
import type { Style } from '../output/style.js';

export interface InitData {
  file: string;
  written: boolean;
  /** The file is there already: written only with --force. */
  exists: boolean;
  content: string;
  envExample: { file: string; keys: string[]; written: boolean; kept: boolean } | null;
  detected: {
    target: string;
    compose: string | null;
    ecosystem: string | null;
    databases: string[];
    build: boolean;
    test: boolean;
  };
}

export async function run(ctx: Context, options: { force?: boolean }): Promise<CommandResult<InitData>> {
  const existing = ['opsctl.yaml', 'opsctl.yml'].map((name) => path.join(ctx.cwd, name)).find((file) => existsSync(file));
  // --dry-run writes nothing, so it shows what init would write even over an existing file.
  if (existing && !options.force && !ctx.dryRun) {
    throw new UsageError(`${existing} already exists.`, 'Edit it, or run opsctl init --force to write a new one over it.');
  }
  const file = existing ?? path.join(ctx.cwd, 'opsctl.yaml');
  const project = detectProject(ctx.cwd);
  const content = renderConfig(project);
  const envExample = await writeEnvExample(ctx, project, Boolean(options.force));
  const written = await ctx.effects.apply({ kind: 'write', file, data: content });
  return { data: { file, written, exists: Boolean(existing), content, envExample, detected: summary(project) } };
}

/** An existing .env.example may carry comments and defaults: replaced only with --force. */
async function writeEnvExample(ctx: Context, project: DetectedProject, force: boolean): Promise<InitData['envExample']> {
  if (project.envKeys.length === 0) return null;
  const file = path.join(ctx.cwd, '.env.example');
  const kept = existsSync(file) && !force;
  const written = !kept && (await ctx.effects.apply({ kind: 'write', file, data: renderEnvExample(project.envKeys) }));
  return { file, keys: project.envKeys, written, kept };
}

function summary(project: DetectedProject): InitData['detected'] {
  const target = project.compose?.app ? `compose service ${project.compose.app.name}` : project.ecosystem ? `pm2 apps of ${project.ecosystem.file}` : `pm2 script ${project.main ?? 'server.js (placeholder)'}`;
  return {
    target,
    compose: project.compose?.file ?? null,
    ecosystem: project.ecosystem?.file ?? null,
    databases: project.databases.map((db) => `${db.name} (${db.type}, \${${db.variable}})`),
    build: project.scripts.build,
    test: project.scripts.test,
  };
}

export function render(data: InitData, style: Style): string {
  if (!data.written) {
    const example = data.envExample && !data.envExample.kept ? `\n# ${data.envExample.file}\n${renderEnvExample(data.envExample.keys)}` : '';
    const note = data.exists ? ' (it exists: opsctl init --force replaces it)' : '';
    return `# ${data.file}${note}\n${data.content}${example}`.trimEnd();
  }
  const lines = [`Wrote ${data.file}: target ${data.detected.target}.`];
  if (data.detected.databases.length > 0) lines.push(`Databases: ${data.detected.databases.join(', ')}.`);
  if (data.envExample) lines.push(data.envExample.kept ? `Kept the existing ${data.envExample.file} (--force replaces it).` : `Wrote ${data.envExample.file} with ${data.envExample.keys.length} keys and no values.`);
  lines.push(style.dim('Next: review it, then run opsctl doctor and opsctl status.'));
  return lines.join('\n');
}

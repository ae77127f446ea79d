import { ToolError } from '../errors.js';
import type { Command } from '../process/command.js';
import { commandLines } from './child-lines.js';
import type { LogEntry } from './entry.js';
import { lastOf, reorder } from './merge.js';
import { filtersLines, type LogSource, type SourceDeps } from './source.js';
import type { DockerLogsOptions } from '../targets/docker/commands.js';

const SAID_KEPT = 12;

/**
 * `docker compose logs` or `docker service logs` of one service: every container or task is a label
 * of its own. History comes from one run; follow from a second run with --follow from the moment
 * history started, skipping what history already showed (by docker's timestamps, per container).
 */
export function dockerSource(name: string, build: (options: DockerLogsOptions) => Promise<Command>, deps: SourceDeps): LogSource {
  const lastSeen = new Map<string, number>();
  let historyStart: number | undefined;

  async function* entries(cmd: Command, keep: (label: string, time: number) => boolean): AsyncGenerator<LogEntry[]> {
    // Docker's own messages ("no such service") come on stderr with the container's lines: kept for the error.
    const said: string[] = [];
    try {
      for await (const lines of commandLines(deps.runner, cmd, deps.signal)) {
        const batch: LogEntry[] = [];
        const touched = new Set<string>();
        for (const raw of lines) {
          const line = parseDockerLine(raw);
          if (!line) {
            if (raw.trim() === '') continue;
            if (said.push(raw) > SAID_KEPT) said.shift();
            deps.debug(`${name}: ${raw}`);
            continue;
          }
          if (!keep(line.label, line.time)) continue;
          touched.add(line.label);
          batch.push(...deps.matcherFor(line.label).push([line.text], line.time));
        }
        // A record's lines come in one write: what is still open at a batch's end is given out now.
        for (const label of touched) batch.push(...deps.matcherFor(label).flush());
        if (batch.length > 0) yield batch;
      }
    } catch (error) {
      if (!(error instanceof ToolError) || said.length === 0) throw error;
      throw new ToolError(`${error.message}\n${said.join('\n')}`, error.hint, { ...error.details, stderrTail: said.join('\n') });
    }
  }

  return {
    name,
    async *history({ tail }) {
      historyStart = deps.now();
      if (tail === 0) return;
      const since = deps.criteria.since === undefined ? undefined : new Date(deps.criteria.since).toISOString();
      // Docker's --tail counts lines, not matches: usable only when every line is a match.
      const cmd = await build({ follow: false, since, tail: filtersLines(deps.criteria) ? undefined : tail });
      const seen = (label: string, time: number) => {
        lastSeen.set(label, Math.max(time, lastSeen.get(label) ?? time));
        return true;
      };
      // Compose prints one container's history after the other: put them in time order.
      const ordered = reorder(entries(cmd, seen));
      if (tail === undefined) yield* ordered;
      else yield await lastOf(ordered, tail);
    },
    async *follow() {
      const from = historyStart ?? deps.now();
      const cmd = await build({ follow: true, since: new Date(from - 1000).toISOString() });
      yield* entries(cmd, (label, time) => time > (lastSeen.get(label) ?? from - 1));
    },
  };
}

export interface DockerLine {
  /** The container (compose: "app-1", v1 "app_1") or task ("stack_web.2@node"). */
  label: string;
  time: number;
  text: string;
}

// compose v2 "app-1  | 2024-01-15T10:00:00.123456789Z text", v1 "app_1  | ..."; swarm "2024-...Z stack_web.2@node    | text".
const COMPOSE_LINE = /^(\S+)\s*\| (\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})) ?(.*)$/;
const SERVICE_LINE = /^(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})) (\S+)\s*\| ?(.*)$/;

/** A line of `docker compose logs --timestamps` or `docker service logs --timestamps`; undefined for anything else ("Attaching to ..."). */
export function parseDockerLine(line: string): DockerLine | undefined {
  const compose = COMPOSE_LINE.exec(line);
  if (compose) return toLine(compose[1]!, compose[2]!, compose[3]!);
  const service = SERVICE_LINE.exec(line);
  return service ? toLine(service[2]!, service[1]!, service[3]!) : undefined;
}

function toLine(label: string, stamp: string, text: string): DockerLine | undefined {
  const time = Date.parse(stamp);
  return Number.isNaN(time) ? undefined : { label, time, text };
}

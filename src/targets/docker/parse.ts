/** Parsers for docker's JSON outputs (`--format '{{json .}}'` lines and `docker inspect` arrays). */

export interface ContainerInfo {
  id: string;
  name: string;
  state: string;
  health?: string;
  restarts: number;
  startedAt?: string;
  /** The exit code of a container that is not running. */
  exitCode?: number;
  image: string;
  labels: Record<string, string>;
}

export interface ContainerStats {
  id: string;
  cpuPercent?: number;
  memoryBytes?: number;
}

export interface TaskInfo {
  id: string;
  slot: string;
  image: string;
  node: string;
  desiredState: string;
  currentState: string;
  error: string;
}

export function parseJsonLines<T>(stdout: string): T[] {
  return stdout
    .split(/\r?\n/)
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as T);
}

interface RawInspect {
  Id: string;
  Name: string;
  RestartCount?: number;
  State?: { Status?: string; Running?: boolean; StartedAt?: string; ExitCode?: number; Health?: { Status?: string } };
  Config?: { Image?: string; Labels?: Record<string, string> | null };
}

export function parseContainerInspect(stdout: string): ContainerInfo[] {
  const raw = JSON.parse(stdout || '[]') as RawInspect[];
  return raw.map((c) => ({
    id: c.Id.slice(0, 12),
    name: c.Name.replace(/^\//, ''),
    state: c.State?.Status ?? 'unknown',
    health: c.State?.Health?.Status,
    restarts: c.RestartCount ?? 0,
    startedAt: c.State?.Running && c.State.StartedAt ? c.State.StartedAt : undefined,
    ...(c.State?.Running === false && typeof c.State.ExitCode === 'number' ? { exitCode: c.State.ExitCode } : {}),
    image: c.Config?.Image ?? '',
    labels: c.Config?.Labels ?? {},
  }));
}

interface RawStats {
  ID?: string;
  Container?: string;
  CPUPerc?: string;
  MemUsage?: string;
}

export function parseStats(stdout: string): ContainerStats[] {
  return parseJsonLines<RawStats>(stdout).map((s) => ({
    id: (s.ID ?? s.Container ?? '').slice(0, 12),
    cpuPercent: parsePercent(s.CPUPerc),
    memoryBytes: parseSize(s.MemUsage?.split('/')[0]),
  }));
}

function parsePercent(text: string | undefined): number | undefined {
  const value = Number.parseFloat(text ?? '');
  return Number.isFinite(value) ? value : undefined;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3, tb: 1e12, tib: 1024 ** 4 };

/** "556KiB" -> 569344; docker mixes SI and binary units. */
export function parseSize(text: string | undefined): number | undefined {
  const match = /^\s*([\d.]+)\s*([a-z]+)\s*$/i.exec(text ?? '');
  if (!match) return undefined;
  const unit = SIZE_UNITS[match[2]!.toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

interface RawTask {
  ID: string;
  Name: string;
  Image: string;
  Node: string;
  DesiredState: string;
  CurrentState: string;
  Error: string;
}

export function parseServicePs(stdout: string): TaskInfo[] {
  return parseJsonLines<RawTask>(stdout).map((t) => ({
    id: t.ID,
    // The pretty table marks older tasks of a slot with "\_ ".
    slot: t.Name.replace(/^\\_\s*/, '').trim(),
    image: t.Image.split('@')[0] ?? t.Image,
    node: t.Node,
    desiredState: t.DesiredState,
    currentState: t.CurrentState,
    error: t.Error,
  }));
}

export interface ServiceInfo {
  name: string;
  replicas?: number;
  image: string;
  updateState?: string;
  updateMessage?: string;
}

interface RawService {
  Spec: { Name: string; Mode?: { Replicated?: { Replicas?: number } }; TaskTemplate: { ContainerSpec: { Image: string } } };
  UpdateStatus?: { State?: string; Message?: string };
}

export function parseServiceInspect(stdout: string): ServiceInfo {
  const raw = JSON.parse(stdout) as RawService | RawService[];
  const service = Array.isArray(raw) ? raw[0]! : raw;
  return {
    name: service.Spec.Name,
    replicas: service.Spec.Mode?.Replicated?.Replicas,
    image: service.Spec.TaskTemplate.ContainerSpec.Image.split('@')[0]!,
    updateState: service.UpdateStatus?.State,
    updateMessage: service.UpdateStatus?.Message,
  };
}

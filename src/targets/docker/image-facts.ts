/** What cleanup reads from `docker container inspect` and `docker image inspect`, and the id and reference helpers it needs. */

export interface ContainerFacts {
  id: string;
  name: string;
  imageId: string;
  state: string;
  sizeRw: number;
}

export interface ImageFacts {
  id: string;
  tags: string[];
  createdMs: number;
  bytes: number;
}

export function parseContainerFacts(stdout: string): ContainerFacts[] {
  const raw = JSON.parse(stdout.trim() || '[]') as { Id: string; Name?: string; Image?: string; State?: { Status?: string }; SizeRw?: number }[];
  return raw.map((c) => ({ id: c.Id, name: (c.Name ?? '').replace(/^\//, ''), imageId: c.Image ?? '', state: c.State?.Status ?? '', sizeRw: c.SizeRw ?? 0 }));
}

export function parseImageFacts(stdout: string): ImageFacts[] {
  const raw = JSON.parse(stdout.trim() || '[]') as { Id: string; RepoTags?: string[] | null; Created?: string; Size?: number }[];
  return raw.map((i) => ({ id: i.Id, tags: i.RepoTags ?? [], createdMs: Date.parse(i.Created ?? '') || 0, bytes: i.Size ?? 0 }));
}

/** "registry:5000/app:v1" -> "registry:5000/app": the tag is what follows the last ":" after the last "/". */
export function repositoryOf(reference: string): string {
  const at = reference.indexOf('@');
  const ref = at >= 0 ? reference.slice(0, at) : reference;
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
}

export function idsOf(stdout: string): string[] {
  return [...new Set(stdout.split(/\s+/).filter(Boolean))];
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

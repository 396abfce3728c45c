import type Docker from 'dockerode';
import type { ImageInfo } from '../protocol/index.js';
import type { Catalog, CatalogImage } from './catalog.js';

/** Whether a catalog image's tag exists on a Docker engine. */
export interface ImageStatus {
  name: string;
  tag: string;
  built: boolean;
  /** `sha256:…` when built. */
  id: string | null;
  sizeBytes: number | null;
  /** ISO time the image was built. */
  created: string | null;
}

/** What the engine's image list must hold for the status (a subset of dockerode's ImageInfo). */
export type EngineImage = Pick<Docker.ImageInfo, 'Id' | 'RepoTags' | 'Size' | 'Created'>;

/** Pure: matches catalog tags against an engine's image list. */
export function statusFromEngine(images: readonly Pick<CatalogImage, 'name' | 'tag'>[], engine: readonly EngineImage[]): ImageStatus[] {
  const byTag = new Map<string, EngineImage>();
  for (const e of engine) for (const tag of e.RepoTags ?? []) byTag.set(tag, e);
  return images.map(({ name, tag }) => {
    const found = byTag.get(tag);
    return {
      name,
      tag,
      built: found !== undefined,
      id: found?.Id ?? null,
      sizeBytes: found?.Size ?? null,
      created: found ? new Date(found.Created * 1000).toISOString() : null,
    };
  });
}

/** One `GET /images/json` call, narrowed to the `mlwb/` repositories. */
export async function imageStatuses(docker: Pick<Docker, 'listImages'>, catalog: Pick<Catalog, 'images'>): Promise<ImageStatus[]> {
  const engine = await docker.listImages({ filters: JSON.stringify({ reference: ['mlwb/*'] }) });
  return statusFromEngine(catalog.images, engine);
}

/** The API's view of an image: its manifest, its tag and whether it is built. */
export function toImageInfo(image: CatalogImage, status: Pick<ImageStatus, 'built'> | undefined): ImageInfo {
  const { name, version, description, python, packages, accelerator, defaultResources, offline, offlineNote, tag } = image;
  return {
    name,
    version,
    description,
    python,
    packages,
    accelerator,
    defaultResources,
    offline,
    ...(offlineNote !== undefined ? { offlineNote } : {}),
    built: status?.built ?? false,
    tag,
  };
}

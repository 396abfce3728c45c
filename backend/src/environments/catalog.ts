import type { ImageInfo, Resources } from '../protocol/index.js';

/** The image facts the environment service needs; the image catalog provides them. */
export interface ImageCatalog {
  list(): Promise<ImageInfo[]>;
  get(name: string): Promise<ImageInfo | undefined>;
}

export const defaultResources = (image: ImageInfo): Resources => ({ ...image.defaultResources });

import type { ImageInfo } from '../protocol/index.js';

/** The image facts the environment service needs; the image catalog provides them. */
export interface ImageCatalog {
  list(): Promise<ImageInfo[]>;
  get(name: string): Promise<ImageInfo | undefined>;
}

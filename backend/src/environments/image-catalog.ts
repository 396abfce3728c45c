import type Docker from 'dockerode';
import { loadCatalog, type Catalog } from '../images/catalog.js';
import { imageStatuses, toImageInfo } from '../images/docker-status.js';
import type { ImageInfo } from '../protocol/index.js';
import type { ConcreteDriver } from '../runtime/detect.js';
import type { ImageCatalog } from './catalog.js';

/**
 * The catalog as this backend's driver sees it. Docker: built means the tag exists on the engine.
 * Local: environments run on the host's Python, so every offline image counts as available.
 * Kubernetes: the cluster pulls images itself; the backend cannot see its nodes' caches.
 */
export class DriverImageCatalog implements ImageCatalog {
  private catalog: Promise<Catalog> | undefined;

  constructor(
    private readonly dir: string,
    private readonly driver: ConcreteDriver,
    private readonly docker?: Pick<Docker, 'listImages'>,
  ) {}

  private load(): Promise<Catalog> {
    this.catalog ??= loadCatalog(this.dir);
    return this.catalog;
  }

  async list(): Promise<ImageInfo[]> {
    const catalog = await this.load();
    if (this.driver === 'docker' && this.docker) {
      const statuses = await imageStatuses(this.docker, catalog);
      return catalog.images.map((image) => toImageInfo(image, statuses.find((s) => s.name === image.name)));
    }
    return catalog.images.map((image) => toImageInfo(image, { built: this.driver === 'kubernetes' || image.offline }));
  }

  async get(name: string): Promise<ImageInfo | undefined> {
    return (await this.list()).find((i) => i.name === name);
  }
}

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { ImageManifest, imageTag } from './manifest.js';

/** A manifest that cannot be used: names the file and, where one is at fault, the field. */
export class CatalogError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    reason: string,
  ) {
    super(`${file}${field ? `: ${field}` : ''}: ${reason}`);
    this.name = 'CatalogError';
  }
}

export interface CatalogImage extends ImageManifest {
  /** `mlwb/<name>:<version>` */
  tag: string;
  /** The image's folder (build context is its parent, see devcontainer-images/README.md). */
  dir: string;
  dockerfile: string;
}

export interface Catalog {
  /** Sorted by name. */
  images: CatalogImage[];
  get(name: string): CatalogImage | undefined;
}

/**
 * Loads every `<dir>/<name>/manifest.json` (folders without one, like `base/` and `runtime/`, are not
 * images). Each manifest is validated; the catalog as a whole must be consistent: folder = name,
 * a Dockerfile next to the manifest, `dependsOn` naming an image of the catalog, without cycles,
 * and an offline image built only on offline ones.
 */
export async function loadCatalog(dir: string): Promise<Catalog> {
  const folders = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  const images: CatalogImage[] = [];
  for (const folder of folders.sort()) {
    const file = join(dir, folder, 'manifest.json');
    if (!(await isFile(file))) continue;
    images.push(await loadImage(file, folder));
  }
  const byName = new Map(images.map((i) => [i.name, i]));
  for (const image of images) checkDependency(image, byName);
  return { images, get: (name) => byName.get(name) };
}

async function loadImage(file: string, folder: string): Promise<CatalogImage> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new CatalogError(file, undefined, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = ImageManifest.safeParse(raw);
  if (!parsed.success) throw fromZod(file, parsed.error);
  const manifest = parsed.data;
  if (manifest.name !== folder) throw new CatalogError(file, 'name', `must equal its folder name "${folder}"`);
  const dockerfile = join(file, '..', 'Dockerfile');
  if (!(await isFile(dockerfile))) throw new CatalogError(file, undefined, `no Dockerfile next to it (${dockerfile})`);
  return { ...manifest, tag: imageTag(manifest), dir: join(file, '..'), dockerfile };
}

function checkDependency(image: CatalogImage, byName: Map<string, CatalogImage>): void {
  const file = join(image.dir, 'manifest.json');
  const seen = new Set([image.name]);
  for (let dep = image.dependsOn; dep !== undefined; dep = byName.get(dep)?.dependsOn) {
    const base = byName.get(dep);
    if (!base) throw new CatalogError(file, 'dependsOn', `names "${dep}", which is not in the catalog`);
    if (seen.has(dep)) throw new CatalogError(file, 'dependsOn', `forms a cycle through "${dep}"`);
    if (image.offline && !base.offline) throw new CatalogError(file, 'offline', `is true but it is built on "${dep}", which needs a registry`);
    seen.add(dep);
  }
}

function fromZod(file: string, error: z.ZodError): CatalogError {
  const issue = error.issues[0];
  if (!issue) return new CatalogError(file, undefined, 'invalid manifest');
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = [...issue.path, ...keys.slice(0, 1)].map(String).join('.');
  const reason = issue.code === 'unrecognized_keys' ? 'is not a manifest field' : issue.message;
  return new CatalogError(file, path || undefined, reason);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

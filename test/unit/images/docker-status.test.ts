import type Docker from 'dockerode';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../backend/src/images/catalog.js';
import { imageStatuses, statusFromEngine, toImageInfo, type EngineImage } from '../../../backend/src/images/docker-status.js';
import { ImageInfo } from '../../../backend/src/protocol/index.js';

const IMAGES_DIR = resolve(__dirname, '../../../devcontainer-images');
const engineImage = (tags: string[], over: Partial<EngineImage> = {}): EngineImage => ({ Id: 'sha256:abc', RepoTags: tags, Size: 612_000_000, Created: 1_800_000_000, ...over });

describe('image status on the engine', () => {
  it('matches catalog tags, and only the exact version', () => {
    const statuses = statusFromEngine(
      [
        { name: 'python-cpu', tag: 'mlwb/python-cpu:0.1.0' },
        { name: 'pytorch-cpu', tag: 'mlwb/pytorch-cpu:0.1.0' },
      ],
      [engineImage(['mlwb/python-cpu:0.1.0', 'mlwb/python-cpu:dev']), engineImage(['mlwb/pytorch-cpu:0.0.9'], { Id: 'sha256:old' }), engineImage([], { RepoTags: undefined })],
    );
    expect(statuses).toEqual([
      { name: 'python-cpu', tag: 'mlwb/python-cpu:0.1.0', built: true, id: 'sha256:abc', sizeBytes: 612_000_000, created: '2027-01-15T08:00:00.000Z' },
      { name: 'pytorch-cpu', tag: 'mlwb/pytorch-cpu:0.1.0', built: false, id: null, sizeBytes: null, created: null },
    ]);
  });

  it('asks the engine once, for the mlwb/ repositories', async () => {
    const calls: unknown[] = [];
    const docker = {
      listImages: (opts?: unknown) => (calls.push(opts), Promise.resolve([engineImage(['mlwb/tensorflow:0.1.0'])])),
    } as unknown as Pick<Docker, 'listImages'>;
    const statuses = await imageStatuses(docker, await loadCatalog(IMAGES_DIR));
    expect(calls).toEqual([{ filters: '{"reference":["mlwb/*"]}' }]);
    expect(statuses.filter((s) => s.built).map((s) => s.name)).toEqual(['tensorflow']);
  });

  it('gives the API view of each image, valid against the protocol', async () => {
    const catalog = await loadCatalog(IMAGES_DIR);
    for (const image of catalog.images) {
      const info = toImageInfo(image, { built: image.name === 'python-cpu' });
      expect(ImageInfo.strict().parse(info)).toEqual(info);
      expect(info.tag).toBe(image.tag);
    }
    expect(toImageInfo(catalog.get('tensorflow')!, undefined)).toMatchObject({ built: false, offline: false, offlineNote: expect.stringMatching(/registry/) });
  });
});

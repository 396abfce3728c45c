import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogError, loadCatalog } from '../../../backend/src/images/catalog.js';

const IMAGES_DIR = resolve(__dirname, '../../../devcontainer-images');

describe('loadCatalog', () => {
  it('loads the repository catalog, sorted, with tags and Dockerfile paths', async () => {
    const catalog = await loadCatalog(IMAGES_DIR);
    expect(catalog.images.map((i) => i.tag)).toEqual(['mlwb/python-cpu:0.1.0', 'mlwb/pytorch-cpu:0.1.0', 'mlwb/pytorch-cuda:0.1.0', 'mlwb/tensorflow:0.1.0']);
    expect(catalog.get('pytorch-cpu')).toMatchObject({ dependsOn: 'python-cpu', dockerfile: join(IMAGES_DIR, 'pytorch-cpu', 'Dockerfile') });
    expect(catalog.get('base')).toBeUndefined();
  });

  describe('a broken catalog is an error naming the file and the field', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'mlwb-catalog-'));
      for (const name of ['python-cpu', 'pytorch-cpu', 'tensorflow']) cpSync(join(IMAGES_DIR, name), join(dir, name), { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const file = (name: string): string => join(dir, name, 'manifest.json');
    const edit = (name: string, change: (m: Record<string, unknown>) => void): void => {
      const m = JSON.parse(readFileSync(file(name), 'utf8')) as Record<string, unknown>;
      change(m);
      writeFileSync(file(name), JSON.stringify(m, null, 2));
    };
    const failure = async (): Promise<CatalogError> => {
      const err = await loadCatalog(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CatalogError);
      return err as CatalogError;
    };

    it.each([
      ['a wrong type', (m: Record<string, unknown>) => (m.offline = 'yes'), 'offline'],
      ['a missing field', (m: Record<string, unknown>) => delete m.python, 'python'],
      ['a nested field', (m: Record<string, unknown>) => (m.defaultResources = { cpus: 0, memoryMiB: 4096, gpus: 0 }), 'defaultResources.cpus'],
      ['an unknown field', (m: Record<string, unknown>) => (m.pythonVersion = '3.11'), 'pythonVersion'],
      ['a name that is not its folder', (m: Record<string, unknown>) => (m.name = 'python-gpu'), 'name'],
      ['a dependency not in the catalog', (m: Record<string, unknown>) => (m.dependsOn = 'nowhere'), 'dependsOn'],
    ])('%s', async (_what, change, field) => {
      edit('python-cpu', change);
      const err = await failure();
      expect(err.file).toBe(file('python-cpu'));
      expect(err.field).toBe(field);
      expect(err.message).toContain(`${file('python-cpu')}: ${field}: `);
    });

    it('a cycle', async () => {
      edit('python-cpu', (m) => (m.dependsOn = 'pytorch-cpu'));
      expect((await failure()).message).toMatch(/dependsOn: forms a cycle/);
    });

    it('an offline image built on one that needs a registry', async () => {
      edit('pytorch-cpu', (m) => (m.dependsOn = 'tensorflow'));
      const err = await failure();
      expect([err.file, err.field]).toEqual([file('pytorch-cpu'), 'offline']);
    });

    it('invalid JSON', async () => {
      writeFileSync(file('tensorflow'), '{ "name": "tensorflow", }');
      const err = await failure();
      expect(err.file).toBe(file('tensorflow'));
      expect(err.message).toMatch(/not valid JSON/);
    });

    it('no Dockerfile', async () => {
      rmSync(join(dir, 'tensorflow', 'Dockerfile'));
      expect((await failure()).message).toMatch(/no Dockerfile/);
    });

    it('ignores folders without a manifest', async () => {
      mkdirSync(join(dir, 'notes'));
      expect((await loadCatalog(dir)).images).toHaveLength(3);
    });
  });
});

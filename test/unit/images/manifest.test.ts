import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageManifest, imageTag } from '../../../backend/src/images/manifest.js';
import { pairs, readDockerfile } from './dockerfile.js';

const IMAGES_DIR = resolve(__dirname, '../../../devcontainer-images');
const names = readdirSync(IMAGES_DIR).filter((n) => existsSync(join(IMAGES_DIR, n, 'manifest.json')));
const manifests = new Map(names.map((n) => [n, ImageManifest.parse(JSON.parse(readFileSync(join(IMAGES_DIR, n, 'manifest.json'), 'utf8')))]));

describe('catalog manifests', () => {
  it('holds the four catalog images', () => {
    expect(names.sort()).toEqual(['python-cpu', 'pytorch-cpu', 'pytorch-cuda', 'tensorflow']);
  });

  it.each(names)('%s: manifest.json passes the schema and is canonical 2-space JSON (build.sh reads it with awk)', (name) => {
    const text = readFileSync(join(IMAGES_DIR, name, 'manifest.json'), 'utf8');
    const parsed = ImageManifest.safeParse(JSON.parse(text));
    expect(parsed.error?.issues).toBeUndefined();
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2) + '\n');
    expect(parsed.data?.name).toBe(name);
  });

  it('says why an image needs a registry, and only then', () => {
    for (const m of manifests.values()) expect(m.offline === false).toBe(m.offlineNote !== undefined);
    expect(manifests.get('python-cpu')?.offline).toBe(true);
    expect(manifests.get('pytorch-cpu')?.dependsOn).toBe('python-cpu');
    expect(manifests.get('pytorch-cuda')).toMatchObject({ offline: false, accelerator: 'cuda' });
    expect(manifests.get('tensorflow')).toMatchObject({ offline: false, accelerator: 'cpu' });
  });

  it('build.sh --list reads the same fields as the schema (its awk parser agrees with JSON.parse)', () => {
    const out = execFileSync('bash', [join(IMAGES_DIR, 'build.sh'), '--list'], { encoding: 'utf8' });
    const rows = out.trim().split('\n').map((l) => l.split(/\s+/));
    expect(rows.map((r) => r.slice(0, 3))).toEqual(names.sort().map((n) => [n, imageTag(manifests.get(n)!), `offline=${manifests.get(n)!.offline}`]));
  });

  it('rejects what the schema is there to catch', () => {
    const good = manifests.get('python-cpu')!;
    const bad = (patch: object): string[] => ImageManifest.safeParse({ ...good, ...patch }).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(bad({ offline: false })).toEqual(['offlineNote']);
    expect(bad({ defaultResources: { cpus: 2, memoryMiB: 4096, gpus: 1 } })).toEqual(['defaultResources.gpus']);
    expect(bad({ accelerator: 'tpu' })).toEqual(['accelerator']);
    expect(bad({ version: 'latest' })).toEqual(['version']);
    expect(bad({ packages: { numpy: 'new' } })).toEqual(['packages.numpy']);
    expect(bad({ dependsOn: 'python-cpu' })).toEqual(['dependsOn']);
    expect(bad({ extra: 1 })).toHaveLength(1);
  });
});

describe.each(names)('%s/Dockerfile', (name) => {
  const manifest = manifests.get(name)!;
  const instructions = readDockerfile(join(IMAGES_DIR, name, 'Dockerfile'));
  const keywords = instructions.map((i) => i.keyword);
  const labels = pairs(instructions, 'LABEL');

  it('starts with ARG BASE_IMAGE=<default> then FROM ${BASE_IMAGE}, one stage', () => {
    expect(instructions[0]?.keyword).toBe('ARG');
    expect(instructions[0]?.args).toMatch(/^BASE_IMAGE=\S+$/);
    expect(instructions[1]).toEqual({ keyword: 'FROM', args: '${BASE_IMAGE}' });
    expect(keywords.filter((k) => k === 'FROM')).toHaveLength(1);
    if (manifest.dependsOn) expect(instructions[0]?.args).toBe(`BASE_IMAGE=${imageTag(manifests.get(manifest.dependsOn)!)}`);
  });

  it('runs as uid 1000 under tini, with the Jupyter launcher as CMD', () => {
    expect(instructions.filter((i) => i.keyword === 'USER').at(-1)?.args).toMatch(/^1000(:1000)?$/);
    expect(instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args).toBe('/home/mlwb/work');
    expect(instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)?.args).toBe('["/usr/bin/tini", "-g", "--"]');
    expect(instructions.filter((i) => i.keyword === 'CMD').at(-1)?.args).toBe('["python3", "-m", "mlwb_runtime.jupyter"]');
  });

  it('labels the image with its name and manifest version', () => {
    expect(labels.get('mlwb.image')).toBe(name);
    expect(labels.get('mlwb.image.version')).toBe(manifest.version);
    expect(labels.get('org.opencontainers.image.version')).toBe(manifest.version);
    expect(labels.get('org.opencontainers.image.title')).toBe(`mlwb/${name}`);
    for (const key of ['description', 'vendor', 'licenses', 'base.name']) expect(labels.get(`org.opencontainers.image.${key}`)).toBeTruthy();
  });

  it('sets up the user, environment and runtime package (or inherits them from its base image)', () => {
    if (manifest.dependsOn) {
      expect(keywords).not.toContain('COPY');
      return;
    }
    const env = pairs(instructions, 'ENV');
    expect(Object.fromEntries(env)).toMatchObject({ HOME: '/home/mlwb', LANG: 'C.UTF-8', PYTHONUNBUFFERED: '1', PYTHONPATH: '/opt/mlwb/runtime', MLWB_JUPYTER_BASE_URL: '/' });
    for (const thread of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS']) expect(env.has(thread)).toBe(false);
    expect(instructions.some((i) => i.keyword === 'RUN' && /useradd --uid 1000 --gid 1000 .*--home-dir \/home\/mlwb/.test(i.args))).toBe(true);
    expect(instructions).toContainEqual({ keyword: 'COPY', args: 'runtime/mlwb_runtime /opt/mlwb/runtime/mlwb_runtime' });
    expect(instructions).toContainEqual({ keyword: 'EXPOSE', args: '8888' });
  });

  it('builds with the legacy builder (no heredocs, no RUN --mount) and fails on an unreachable mirror', () => {
    const text = readFileSync(join(IMAGES_DIR, name, 'Dockerfile'), 'utf8');
    expect(text).not.toMatch(/<<-?\s*['"]?[A-Z]/);
    expect(text).not.toMatch(/RUN\s+--mount/);
    for (const run of instructions.filter((i) => i.keyword === 'RUN' && i.args.includes('apt-get update'))) {
      expect(run.args).toContain('apt-get update -o APT::Update::Error-Mode=any');
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuntimeTarget } from '../../../../backend/src/runtime/driver.js';
import { LocalDriver } from '../../../../backend/src/runtime/local/driver.js';

const target: RuntimeTarget = {
  envId: 'env_abc12345',
  ownerId: 'usr_abc12345',
  name: 'demo',
  imageRef: 'local:3.11.2',
  resources: { cpus: 1, memoryMiB: 512, gpus: 0 },
  env: {},
  jupyterToken: 'tok',
  jupyterBaseUrl: '/',
};

describe('LocalDriver without a started environment', () => {
  let root: string;
  const signal = new AbortController().signal;
  const driver = (gpuListing?: string): LocalDriver => new LocalDriver(root, { cgroups: { support: undefined, reason: 'no cgroups here' }, nvidiaSmi: async () => gpuListing });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mlwb-local-start-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('says limits are only recorded, and why, when the probe found no cgroups', () => {
    expect(driver()).toMatchObject({ kind: 'local', limitsEnforced: false, limitsReason: 'no cgroups here' });
  });

  it('counts GPUs with nvidia-smi -L, none without it', async () => {
    expect((await driver('GPU 0: NVIDIA H100 (UUID: GPU-1)\n').capacity()).gpus).toBe(1);
    expect(await driver().capacity()).toMatchObject({ gpus: 0, cpus: expect.any(Number), memoryMiB: expect.any(Number) });
  });

  it('refuses GPUs the host does not have', async () => {
    await expect(driver().start({ ...target, resources: { ...target.resources, gpus: 1 } }, signal)).rejects.toMatchObject({ blame: 'user', message: expect.stringContaining('NVIDIA GPU') });
  });

  it('needs ensureImage before start', async () => {
    await expect(driver().start(target, signal)).rejects.toMatchObject({ name: 'DriverError', message: expect.stringContaining('ensureImage') });
  });

  it('knows nothing of environments it never made', async () => {
    const d = driver();
    expect(await d.inspect('env_abc12345')).toBeUndefined();
    expect(await d.endpoint('env_abc12345')).toBeUndefined();
    expect(await d.logs('env_abc12345', 10)).toEqual([]);
    expect(await d.list()).toEqual([]);
    await d.stop('env_abc12345');
    await d.remove('env_abc12345', { purge: true });
    await expect(d.exec('env_abc12345', ['true'], 1000)).rejects.toMatchObject({ blame: 'user' });
    expect(await d.stats('env_abc12345')).toMatchObject({ cpu: { percent: 0, limitCpus: null }, memory: { usedBytes: 0, limitBytes: null }, gpus: [] });
    await expect(d.inspect('../etc')).rejects.toMatchObject({ name: 'DriverError' });
  });
});

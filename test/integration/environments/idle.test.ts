import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverImageCatalog } from '../../../backend/src/environments/image-catalog.js';
import { EnvironmentService } from '../../../backend/src/environments/service.js';
import { EventBus } from '../../../backend/src/events/bus.js';
import { LocalDriver } from '../../../backend/src/runtime/local/driver.js';
import { probeJupyterStatus } from '../../../backend/src/runtime/jupyter-status.js';
import { jupyterBasePath } from '../../../backend/src/server/environments.js';
import { Store } from '../../../backend/src/store/index.js';
import { skip } from '../runtime/local/jupyter-python.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Idle shutdown, in process on the real local driver: "idle" is what the Jupyter server itself reports. */
describe.skipIf(!!skip)('idle environments', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mlwb-idle-'));
  const store = Store.open(dataDir);
  const bus = new EventBus();
  const driver = new LocalDriver(join(dataDir, 'local-envs'));
  const catalog = new DriverImageCatalog(resolve(__dirname, '../../../devcontainer-images'), 'local');
  const service = new EnvironmentService(store, bus, driver, catalog, { jupyterBasePath, log: quiet, capacity: { cpus: 1 }, backendId: 'idletest0001' });
  const owner = store.users.create('idler', 'user');
  const lastActivity = async (record: { env: { id: string } }): Promise<Date | undefined> => {
    const endpoint = await driver.endpoint(record.env.id);
    return endpoint && probeJupyterStatus(endpoint.origin, jupyterBasePath(record.env.id), endpoint.token);
  };
  const running = (id: string): Promise<void> =>
    new Promise((res) => {
      const off = bus.subscribe({ id: owner.id, role: 'user' }, new Set(['environments']), (e) => {
        const env = e.payload.kind === 'resource.changed' ? (e.payload.data as { id: string; state: string }) : undefined;
        if (env?.id !== id || env.state !== 'running') return;
        off();
        res();
      });
    });

  let idleId: string;
  let keptId: string;
  beforeAll(async () => {
    const idle = await service.create(owner, { name: 'idle', image: 'python-cpu', cpus: 0.1, memoryMiB: 256, idleTimeoutMinutes: 30, packages: { apt: [], pip: [] }, env: {} });
    const kept = await service.create(owner, { name: 'kept', image: 'python-cpu', cpus: 0.1, memoryMiB: 256, idleTimeoutMinutes: 0, packages: { apt: [], pip: [] }, env: {} });
    [idleId, keptId] = [idle.id, kept.id];
    await Promise.all([running(idleId), running(keptId)]);
  });
  afterAll(async () => {
    for (const r of store.environments.list()) await service.delete(owner, r.env.id, true);
    store.close();
  });

  it('leaves an environment alone while Jupyter reports recent activity', async () => {
    expect(await service.stopIdle(lastActivity)).toEqual([]);
  });

  it('stops an environment idle beyond its timeout, and never one with timeout 0', async () => {
    const inAnHour = new Date(Date.now() + 60 * 60_000);
    expect(await service.stopIdle(lastActivity, inAnHour)).toEqual([idleId]);
    expect(store.environments.get(idleId)!.env).toMatchObject({ state: 'stopped', reason: 'stopped after 30 idle minutes' });
    expect(store.environments.get(keptId)!.env.state).toBe('running');
    expect(await driver.inspect(idleId)).toMatchObject({ running: false });
  });
});

import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../../backend/src/client/index.js';
import { loadCatalog } from '../../../backend/src/images/catalog.js';
import type { Environment } from '../../../backend/src/protocol/index.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { dockerUnavailable } from '../../fixtures/docker.js';
import { tiny, waitForState } from '../../fixtures/environments.js';

const image = (await loadCatalog(resolve(__dirname, '../../../devcontainer-images'))).get('python-cpu')!;
const skip = await dockerUnavailable(image.tag);

describe.skipIf(skip)(`scheduler on Docker (${skip ?? 'capacity 1 cpu = 10 tiny environments'})`, () => {
  let backend: BackendProcess;
  let client: ApiClient;

  beforeAll(async () => {
    backend = await startBackend({ args: ['--driver', 'docker', '--capacity-cpus', '1'] });
    client = new ApiClient({ url: backend.url, token: backend.token });
  });
  afterAll(async () => {
    for (const env of (await client.call('listEnvironments')).items) await client.call('deleteEnvironment', { params: { id: env.id }, query: { purge: 'true' } });
    await client.close();
    await backend.stop();
  }, 300_000);

  it('refuses an environment that could never fit, naming the resource', async () => {
    const err = (await client.call('createEnvironment', { body: { name: 'too-big', image: 'python-cpu', cpus: 2, memoryMiB: 256 } }).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(422);
    expect(err.issues.map((i) => i.path)).toEqual(['body.cpus']);
  });

  it('runs 10 at once, queues the other 2 in order, and starts them as others stop', async () => {
    const created: Environment[] = [];
    for (let i = 0; i < 12; i++) created.push(await client.call('createEnvironment', { body: { name: `q${i}`, image: 'python-cpu', ...tiny } }));
    const first = await Promise.all(created.slice(0, 10).map((e) => waitForState(client, e.id, ['running', 'failed'], 300_000)));
    expect(first.map((e) => e.state)).toEqual(Array(10).fill('running'));

    const waiting = await Promise.all(created.slice(10).map((e) => client.call('getEnvironment', { params: { id: e.id } })));
    expect(waiting.map((e) => [e.state, e.queuePosition])).toEqual([
      ['queued', 1],
      ['queued', 2],
    ]);
    const capacity = await client.call('capacity');
    expect(capacity).toMatchObject({ cpus: 1, queued: 2 });
    expect(capacity.used.cpus).toBeCloseTo(1);

    await client.call('stopEnvironment', { params: { id: created[0]!.id } });
    await waitForState(client, created[10]!.id, ['running']);
    expect((await client.call('getEnvironment', { params: { id: created[11]!.id } })).queuePosition).toBe(1);

    await client.call('deleteEnvironment', { params: { id: created[1]!.id }, query: { purge: 'true' } });
    await waitForState(client, created[11]!.id, ['running']);
  }, 300_000); // twelve containers start Jupyter on two cores: a minute is not always enough

  it('lets a user cancel a queued environment', async () => {
    const extra = await client.call('createEnvironment', { body: { name: 'waits', image: 'python-cpu', ...tiny } });
    expect(extra.state).toBe('queued');
    const cancelled = await client.call('stopEnvironment', { params: { id: extra.id } });
    expect(cancelled).toMatchObject({ state: 'stopped', reason: 'cancelled while queued' });
  });

  it('starts a higher priority request first', async () => {
    const low = await client.call('createEnvironment', { body: { name: 'low', image: 'python-cpu', ...tiny, priority: 10 } });
    const high = await client.call('createEnvironment', { body: { name: 'high', image: 'python-cpu', ...tiny, priority: 90 } });
    expect((await client.call('getEnvironment', { params: { id: high.id } })).queuePosition).toBe(1);
    expect((await client.call('getEnvironment', { params: { id: low.id } })).queuePosition).toBe(2);
  });
});

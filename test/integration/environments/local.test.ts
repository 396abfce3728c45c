import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../backend/src/client/index.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { tiny, waitForState } from '../../fixtures/environments.js';
import { skip } from '../runtime/local/jupyter-python.js';

/** The environment lifecycle through the real backend on the local driver (processes in venvs). */
describe.skipIf(!!skip)(`environments on the local driver${skip ? ` (${skip})` : ''}`, () => {
  let backend: BackendProcess;
  let client: ApiClient;

  beforeAll(async () => {
    backend = await startBackend({ args: ['--driver', 'local', '--capacity-cpus', '0.3'] });
    client = new ApiClient({ url: backend.url, token: backend.token });
  });
  afterAll(async () => {
    for (const env of (await client.call('listEnvironments')).items) await client.call('deleteEnvironment', { params: { id: env.id }, query: { purge: 'true' } });
    await client.close();
    await backend.stop();
  });

  const exec = (id: string, ...command: string[]) => client.call('execEnvironment', { params: { id }, body: { command } });
  const jupyter = (id: string, { path = 'api/status', auth = true } = {}) =>
    fetch(`${backend.url}/api/v1/environments/${id}/jupyter/${path}`, auth ? { headers: { authorization: `Bearer ${backend.token}` } } : {});

  it('runs Jupyter in a venv, reachable only through the backend', async () => {
    const created = await client.call('createEnvironment', { body: { name: 'local-one', image: 'python-cpu', ...tiny } });
    const env = await waitForState(client, created.id, ['running', 'failed']);
    expect(env).toMatchObject({ state: 'running', driver: 'local', reason: null });
    expect((await jupyter(env.id)).status).toBe(200);
    expect((await jupyter(env.id, { auth: false })).status).toBe(401);
    expect((await exec(env.id, 'python3', '-c', 'import sys; print(sys.prefix)')).stdout).toMatch(/venv/);
  });

  it('keeps the workspace across stop and start', async () => {
    const env = (await client.call('listEnvironments')).items[0]!;
    expect((await exec(env.id, 'sh', '-c', 'echo kept > note.txt')).exitCode).toBe(0);
    expect((await client.call('stopEnvironment', { params: { id: env.id } })).state).toBe('stopped');
    expect((await jupyter(env.id)).status).toBe(409);
    await client.call('startEnvironment', { params: { id: env.id } });
    await waitForState(client, env.id, ['running']);
    expect((await exec(env.id, 'cat', 'note.txt')).stdout).toBe('kept\n');
  });

  it('queues what does not fit and starts it when capacity frees', async () => {
    const second = await client.call('createEnvironment', { body: { name: 'local-two', image: 'python-cpu', ...tiny } });
    await waitForState(client, second.id, ['running']);
    const third = await client.call('createEnvironment', { body: { name: 'local-three', image: 'python-cpu', ...tiny, cpus: 0.2 } });
    expect(third).toMatchObject({ state: 'queued', queuePosition: 1 });
    await client.call('stopEnvironment', { params: { id: second.id } });
    await waitForState(client, third.id, ['running']);
  });

  it('adopts its running environments after a backend restart', async () => {
    const env = (await client.call('listEnvironments')).items.find((e) => e.name === 'local-one')!;
    await backend.stop();
    backend = await startBackend({ dataDir: backend.dataDir, adminToken: backend.token, args: ['--driver', 'local', '--capacity-cpus', '0.3'] });
    await client.close();
    client = new ApiClient({ url: backend.url, token: backend.token });
    expect((await client.call('getEnvironment', { params: { id: env.id } })).state).toBe('running');
    expect((await exec(env.id, 'cat', 'note.txt')).stdout).toBe('kept\n');
  });
});
